import { type ReactNode, useState } from "react";

/**
 * What comes before the letter (what blocks it, the draft, the damages) in one section that
 * folds to a line. On a laptop screen (under 900 px high) it starts folded so the editor has the
 * pane; the line still says how many items block the letter, and why Export waits.
 */
export function PrepSection({
  openItems,
  exportNote,
  children,
}: {
  openItems: number | undefined;
  /** why Export is disabled, on the same line (the export buttons point to it) */
  exportNote?: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(() => window.matchMedia("(min-height: 900px)").matches);
  return (
    <details className="letter-prep" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        <span className="letter-prep-title">Draft and damages</span>
        {openItems !== undefined && (
          <span className="muted">
            {openItems === 0 ? " · ready" : ` · ${openItems} item${openItems === 1 ? "" : "s"} to resolve`}
          </span>
        )}
        {exportNote && <span className="muted"> · {exportNote}</span>}
      </summary>
      {children}
    </details>
  );
}
