import type { AppRouter } from "@steno/api-worker/router";
import type { inferRouterOutputs } from "@trpc/server";

export type Outputs = inferRouterOutputs<AppRouter>;
export type CaseDocument = Outputs["documents"]["get"];
export type Source = Outputs["sources"]["list"]["items"][number];
export type Fact = Outputs["facts"]["list"]["items"][number];
export type Job = Outputs["jobs"]["get"];
export type Role = CaseDocument["role"];
export type CaseProfile = Outputs["profile"]["get"];
export type ProfileFieldView = CaseProfile["fields"][keyof CaseProfile["fields"]];
export type ProfileCitation = ProfileFieldView["proposals"][number]["citations"][number];
export type Ledger = Outputs["letters"]["damages"];
export type Readiness = Outputs["letters"]["readiness"];
export type ReadinessItem = Readiness["items"][number];

/** What the PDF viewer should open: a source at a page, optionally highlighting a quote. */
export type Citation = { sourceId: string; filename: string; pageNumber: number; quote?: string | null };

export const canEdit = (role: Role) => role === "owner" || role === "editor";
