import {
  FACT_CATEGORIES,
  type FactCategoryName,
  type FactStatus,
  MONEY_KINDS,
  type MoneyKind,
} from "@steno/shared";

/** A category's heading in the facts list and its name in the forms. */
export const CATEGORY_LABELS: Record<FactCategoryName, string> = {
  incident: "Incident",
  liability: "Liability",
  injury: "Injuries",
  treatment: "Treatment",
  billing: "Medical bills",
  wage_loss: "Wage loss",
  insurance: "Insurance",
  future_care: "Future care",
  other: "Other",
};

/** What an amount on a bill is; only charges count as damages, the rest reconcile the bill. */
export const MONEY_KIND_LABELS: Record<MoneyKind, string> = {
  charge: "Charge (a line of the bill)",
  total: "Stated total",
  payment: "Payment",
  adjustment: "Adjustment / write-off",
  balance: "Balance due",
};

/** A fact's review status as a badge. */
export const STATUS_BADGES: Record<FactStatus, { label: string; tone: string }> = {
  pending: { label: "To review", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  edited: { label: "Edited", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
};

/** The categories as a select's options, in the list's order. */
export function CategoryOptions() {
  return FACT_CATEGORIES.map((c) => (
    <option key={c} value={c}>
      {CATEGORY_LABELS[c]}
    </option>
  ));
}

/** The kinds of a bill's amount as a select's options. */
export function MoneyKindOptions() {
  return MONEY_KINDS.map((k) => (
    <option key={k} value={k}>
      {MONEY_KIND_LABELS[k]}
    </option>
  ));
}
