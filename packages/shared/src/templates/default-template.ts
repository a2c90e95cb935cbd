// The personal-injury demand letter every new firm starts with. Markdown-like blocks
// ("# " heading, "- " list item, blank line between paragraphs) that generation turns into
// the letter's rich text; the firm edits it in the template editor.
export const DEFAULT_TEMPLATE_NAME = "Personal injury demand (standard)";

export const DEFAULT_TEMPLATE_BODY = `{{today}}

VIA EMAIL AND CERTIFIED MAIL

{{insurer.adjuster}}
{{insurer.name}}

Re: Our client: {{client.name}}
Your insured: {{insured.name}}
Claim number: {{claim.number}}
Policy number: {{policy.number}}
Date of loss: {{incident.date}}

Dear {{insurer.adjuster}}:

This firm represents {{client.name}} for the injuries and losses suffered on {{incident.date}} at {{incident.location}}. We make this demand to settle the claim against your insured within policy limits.

# Facts of the incident

{{incident.description}}

# Liability

{{facts.liability}}

Your insured's negligence was the direct and proximate cause of the collision and of our client's injuries.

# Injuries and treatment

{{facts.injuries}}

{{client.name}} received the following treatment:

{{facts.treatment}}

# Damages

{{damages.table}}

Medical expenses to date total {{damages.medical_total}}. Lost wages total {{damages.wage_loss}}. Economic damages total {{damages.total}}, before any amount for pain and suffering, loss of enjoyment of life and future care.

# Demand

To resolve this claim, we demand {{demand.amount}}. This offer remains open until {{demand.deadline}}, after which it is withdrawn without further notice.

Sincerely,

{{attorney.signature}}
`;
