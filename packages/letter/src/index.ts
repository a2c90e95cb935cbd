// A demand letter's composition, without a database: the treatment chronology built from the
// reviewed facts, the narrative composed from them (the local provider's) or checked for the
// numbers it must not print, the template rendered with the profile and ledger, and the prose
// check readiness runs. Shared by the API Worker, its AI providers and the golden letters.
export { buildChronology, type Chronology, type ProviderChronology } from "./chronology.ts";
export {
  type BilledProvider,
  type ChronologyFlag,
  type CitedChronologyFact,
  chronologyFlags,
  type EventCitation,
  type EventLine,
  type ProviderEvents,
  type TreatmentEvent,
  treatmentEvents,
} from "./chronology-events.ts";
export { composeSections, providerParagraph } from "./compose.ts";
export { type CaseData, draftLetter } from "./draft.ts";
export {
  AMOUNT,
  type DraftFact,
  type DraftInput,
  type NarrativeSections,
  stripAmounts,
} from "./narrative.ts";
export { checkProse, knownValues, ledgerFigures, mismatchMessage } from "./prose-check.ts";
export {
  blanksIn,
  defaultDemandCents,
  type Letterhead,
  letterVariables,
  PLACEHOLDER,
  pageList,
  renderLetter,
  UNNAMED_ADJUSTER,
} from "./render.ts";
export {
  rewriteLocally,
  sentencesOf,
  templateSection,
  unsupportedNames,
  vocabularyOf,
} from "./rewrite.ts";
export { properName } from "./wording.ts";
