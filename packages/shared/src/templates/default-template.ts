// The personal-injury demand letter every new firm starts with. Markdown-like blocks
// ("# " heading, "- " list item, blank line between paragraphs) that generation turns into
// the letter's rich text; the firm edits it in the template editor.
export const DEFAULT_TEMPLATE_NAME = "Personal injury demand (standard)";

// The outline: addressee and Re: block from the confirmed profile; the incident, liability,
// injuries and the treatment chronology as composed from the facts; future care per estimate;
// damages from the ledger; pain and suffering for the attorney to strengthen; the demand.
export const DEFAULT_TEMPLATE_BODY = `{{today}}

VIA EMAIL AND CERTIFIED MAIL

{{insurer.adjuster}}
{{insurer.name}}
{{insurer.address}}

Re: Our client: {{client.name}}
Your insured: {{insured.name}}
Claim number: {{claim.number}}
Policy number: {{policy.number}}
Date of loss: {{incident.date}}

Dear {{insurer.adjuster}}:

This firm represents {{client.name}} for the injuries and losses suffered on {{incident.date}} at {{incident.location}}. We make this demand to settle the claim against your insured.

# Facts of the incident

{{facts.incident}}

# Liability

{{facts.liability}}

Your insured's negligence was the direct and proximate cause of the collision and of our client's injuries.

# Injuries and treatment

{{facts.injuries}}

{{facts.treatment}}

# Future care

{{future_care.list}}

# Damages

{{damages.table}}

{{damages.wage_basis}}

Medical expenses to date total {{damages.medical_total}}, and economic damages to date total {{damages.total}}, before any amount for future care, pain and suffering or loss of enjoyment of life.

# Pain, suffering and loss of enjoyment of life

{{facts.non_economic}}

# Demand

To resolve this claim, we demand {{demand.amount}}. This offer remains open until {{demand.deadline}}, after which it is withdrawn without further notice.

{{demand.policy_limits}}

Sincerely,

{{attorney.signature}}
`;
