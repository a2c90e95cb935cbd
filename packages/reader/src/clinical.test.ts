import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (filename: string, lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename });

describe("clinical records", () => {
  it("reads a future-care estimate's items and total, not its subtotals or the recap after the total", () => {
    const facts = read("future-care.pdf", [
      "FRONT RANGE SPINE & ORTHOPEDICS, P.C.",
      "FUTURE MEDICAL CARE ESTIMATE",
      "Patient: Naomi Whitaker",
      "",
      "Physical therapy, 24 sessions at $150.00 per session\t$3,600.00",
      "Lumbar epidural steroid injections (2)\t$4,800.00",
      "Subtotal, conservative care\t$8,400.00",
      "Lumbar MRI follow-up\t$1,450.00",
      "TOTAL ESTIMATED FUTURE MEDICAL CARE\t$9,850.00",
      "",
      "Summary by category",
      "Conservative care\t$8,400.00",
      "Imaging\t$1,450.00",
    ]);
    expect(facts.map((f) => [f.category, f.moneyKind, f.amountCents])).toEqual([
      ["future_care", "charge", 360000],
      ["future_care", "charge", 480000],
      ["future_care", "charge", 145000],
      ["future_care", "total", 985000],
    ]);
  });

  it("reads a note's visit, its service items (one wrapped onto the next line), a study's finding and causation", () => {
    const facts = read("progress-note.pdf", [
      "Capital Spine & Pain Center",
      "PROGRESS NOTE",
      "Date of Service: 03/10/2026",
      "Procedures today: 97110 Therapeutic exercise x2; 97140 Manual therapy x1; 20552 Trigger",
      "point injection x1",
      "MRI lumbar spine 02/20/2026: L4-5 disc protrusion with mild foraminal stenosis.",
      "Within a reasonable degree of medical probability, her injuries were caused by the collision of 02/06/2026.",
    ]);
    expect(facts.map((f) => [f.category, f.code, f.eventDate, f.quote])).toEqual([
      ["treatment", null, "2026-03-10", "Date of Service: 03/10/2026"],
      ["treatment", "97110", "2026-03-10", "97110 Therapeutic exercise x2"],
      ["treatment", "97140", "2026-03-10", "97140 Manual therapy x1"],
      ["treatment", "20552", "2026-03-10", "20552 Trigger point injection x1"],
      // What the study found is dated by the study, not the visit.
      [
        "injury",
        null,
        "2026-02-20",
        "MRI lumbar spine 02/20/2026: L4-5 disc protrusion with mild foraminal stenosis.",
      ],
      [
        "injury",
        null,
        "2026-03-10",
        "Within a reasonable degree of medical probability, her injuries were caused by the collision of 02/06/2026.",
      ],
    ]);
    expect(facts[0]?.text).toBe("Re-evaluation at Capital Spine & Pain Center on 2026-03-10");
  });
});
