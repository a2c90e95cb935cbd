// Word patterns that decide a sentence's category. They are deliberately about the kind of
// statement (a finding of fault, a symptom, a referral), not about any one document.

/** Negated findings ("No fracture.", "Denies loss of consciousness.") are not facts to highlight. */
export const NEGATIVE_START = /^["'(]?(no|not|denies|denied|negative|without|none|normal|unremarkable)\b/i;

/** Time lost from work, anywhere (medical work notes, therapy notes, employer letters). */
export const WAGE_ANY =
  /\b(unable to work|off work|out of work|missed (?:\w+ ){0,3}work|work status|returned to (?:full |light |modified |regular )?(?:duty|work)|return(?:ing)? to (?:full |light |modified |regular )?(?:duty|work) on|light duty|modified duty|time off work|lost wages|wage loss|lost earnings)\b/i;

/** Employment facts, in an employer's letter. */
export const WAGE_DOC =
  /\b(employed|employment|position|job title|occupation|rate of pay|per hour|hourly|salary|hours per week|scheduled to work|wages?|earnings|missed|absen(?:t|ce|ces)|paid time off|\bpto\b|accrued (?:leave|vacation|sick)|vacation (?:hours|days)|worked (?:full|part)[- ]time|has worked|sick (?:pay|leave)|disability benefits|overtime|per day|daily rate|working days|annual(?:ly)?|per year|gross|net profit|schedule c|gross receipts|self-employ\w*|income)\b/i;

export const LIABILITY =
  /\b(at fault|fault|failed to|failure to|following too closely|too closely|distract\w*|inattent\w*|look(?:ed|ing) down|cell ?phone|phone|texting|scanner|did not see|never saw|speeding|excessive speed|too fast|ran (?:a|the) red|disregard\w*|cited|citation|violat\w*|admitted|lawfully|contributing|right[- ]of[- ]way|yield\w*|impair\w*|intoxicat\w*|alcohol|DUI|DWI|never (?:slowed|braked|stopped))\b|\b(?:witness|w-\d|driver of (?:veh|vehicle|unit|v)\.? ?\d|d-?\d|p-?\d)\b.{0,60}?\b(?:stated|states|said|admitted|reported)\b/i;

export const RESTRAINT = /\b(seat ?belt|lap and shoulder belt|shoulder belt|restrained)\b/i;

export const TRANSPORT = /\b(transported|ambulance|taken to|conveyed)\b/i;

export const POLICE_INJURY = /\b(complain\w*|injur\w*|pain|headache|bleeding|unconscious|dizz\w*|hurt)\b/i;

/** How the crash happened. */
export const MECHANISM =
  /\b(rear[- ]?end(?:ed)?|struck|strike|collided|collision|crashed|impact|hit|t-?boned|sideswiped|rolled|stopped at|stopped for|skid\w*|pushed|northbound|southbound|eastbound|westbound|approaching|traveling|travelling|merg(?:ed|ing)|turn(?:ed|ing) left|stopped|waiting for|facing (?:north|south|east|west)\w*)\b/i;

/** What a witness saw that bears on fault. */
export const WITNESS_RELEVANT =
  /\b(red|green|yellow|light|signal|stopped|slow\w*|brak\w*|speed\w*|look\w*|phone|hit|struck|crash\w*|truck|car|vehicle|ran|fault|lane)\b/i;

export const TREATMENT =
  /\b(CT|MRI|X-?rays?|radiograph\w*|ultrasound|imaging|inject\w*|prescri\w*|referr\w*|refer(?:red)? to|follow[- ]up with|follow up with|physical therapy|chiropractic|occupational therapy|surgery|surgical|arthroscop\w*|\w+(?:ectomy|otomy|ostomy|plasty|scopy)|fusion|epidural|nerve block|sutur\w*|splint|brace|sling|crutches|discharged|admitted|home exercise program|transported|ambulance|\d+(?:\.\d+)?\s?(?:mg|mcg|ml)|\d+\s*x\s*\/\s*week|\d+x\/week|\d+\s+(?:visits?|times|sessions?)\s+(?:per|a|\/)\s+week)\b/i;

export const INJURY =
  /\b(pain\w*|aches?|aching|headaches?|tender\w*|spasms?|strains?|sprains?|fractures?|contusions?|lacerations?|abrasions?|bruis\w*|swelling|numb\w*|tingl\w*|radiat\w*|stiff\w*|whiplash|concussion|herniat\w*|bulg\w*|protrusion|radiculopathy|injur\w*|sleep (?:is )?disturb\w*|disturbed sleep|disability index|NDI|Oswestry|ODI|ROM|AROM|range of motion|limited|decreased|hypertonic\w*|guarding|flare\w*|prognosis|permanent|impairment|scar\w*|\d{1,2}\/10)\b/i;

/** Liens and letters of protection on a statement. */
export const LIEN = /\b(lien|letter of protection|LOP|assignment of benefits)\b/i;

/** Statute references in a citation ("625 ILCS 5/11-710", "§ 316.0895", "VC 21703"). */
export const STATUTE =
  /\b\d{1,4}\s+ILCS\s+\d+\/[\d.-]+(?:\([a-z0-9]+\))*|§+\s*\d[\w.-]*(?:\([a-z0-9]+\))*|\b(?:VC|CVC|RCW|ORS|MCL|NRS|ARS|TRC|KRS|MSA|Vehicle Code)\s*§?\s*\d[\w.-]*(?:\([a-z0-9]+\))*/i;

/** Statement lines that are not charges. */
export const SUMMARY =
  /\b(sub-?totals?|totals?|balance|amount due|payments?|paid|adjust(?:ment)?s?|write[- ]?off|discount|credit|refund|deductible|co-?pay(?:ment)?|co-?insurance|previous|prior|please pay|pay this amount)\b/i;

/** Sections whose sentences are boilerplate or history, not facts of this case. */
export const SKIP_SECTION =
  /instructions|past (medical |surgical )?history|family history|social history|allergies|review of systems|disposition of vehicle/i;
