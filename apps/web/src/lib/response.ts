import { formatUsd, type OfferParty, type ResponseState, responseLabel, responseState } from "@steno/shared";
import { formatDate } from "../components/ui.tsx";

/** Today on the attorney's own calendar (not UTC's), as YYYY-MM-DD. */
export function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const TONES: Record<ResponseState["state"], string> = {
  awaiting: "info",
  overdue: "danger",
  responded: "success",
};

/** "Awaiting response — 9 days left" and its badge tone (soon: warning), for a sent demand. */
export function responseBadge(response: { responseDueOn: string; respondedOn: string | null }) {
  const state = responseState(response, localToday());
  const soon = state.state === "awaiting" && state.daysLeft <= 7;
  return { label: responseLabel(state), tone: soon ? "warning" : TONES[state.state], state };
}

/** The latest offer, as the case list and the workspace header show it. */
export function offerText(offer: { madeOn: string; amountCents: number; party: OfferParty }): string {
  return `${formatUsd(offer.amountCents)} ${offer.party === "insurer" ? "offered" : "countered"} ${formatDate(offer.madeOn)}`;
}
