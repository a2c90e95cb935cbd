// The chronology's events and flags on a case file worded unlike the sample case: a chiropractor,
// an orthopedist who restricts work, a visit a year before the crash, and an MRI center that only
// billed. Nothing here comes from the fixtures the API tests read.
import { describe, expect, it } from "vitest";
import { buildChronology } from "./chronology.ts";
import { type CitedChronologyFact, chronologyFlags, treatmentEvents } from "./chronology-events.ts";

let n = 0;
const fact = (
  f: Partial<CitedChronologyFact> & Pick<CitedChronologyFact, "category" | "text">,
): CitedChronologyFact => {
  n += 1;
  return {
    id: `f${n}`,
    eventDate: null,
    provider: null,
    code: null,
    moneyKind: null,
    sourceId: "s1",
    sourceFilename: "records.pdf",
    pageNumber: n,
    quote: f.text,
    ...f,
  };
};

const facts: CitedChronologyFact[] = [
  fact({
    category: "treatment",
    text: "Chiropractic adjustment, 3 regions",
    provider: "Oak Hill Chiropractic, P.C.",
    eventDate: "2024-06-01",
    code: "98941",
  }),
  fact({
    category: "treatment",
    text: "Chiropractic adjustment, 3 regions",
    provider: "Oak Hill Chiropractic",
    eventDate: "2025-09-10",
    code: "98941",
  }),
  fact({
    category: "injury",
    text: "Assessment: lumbar radiculopathy (ICD-10 M54.16)",
    provider: "Oak Hill Chiropractic",
    eventDate: "2025-09-10",
    code: "M54.16",
  }),
  fact({
    category: "treatment",
    text: "Straight leg raise positive on the left at 40 degrees",
    provider: "Oak Hill Chiropractic",
    eventDate: "2025-09-10",
  }),
  fact({
    category: "treatment",
    text: "Orthopedic consultation",
    provider: "Bayview Orthopedics",
    eventDate: "2025-12-01",
    code: "99204",
  }),
  fact({
    category: "treatment",
    text: "No lifting over 10 lbs and no work for two weeks",
    provider: "Bayview Orthopedics",
    eventDate: "2025-12-01",
  }),
  fact({
    category: "treatment",
    text: "Meloxicam 15 mg once daily",
    provider: "Bayview Orthopedics",
    eventDate: "2025-12-01",
  }),
  fact({
    category: "billing",
    text: "MRI lumbar spine without contrast",
    provider: "Coastal Imaging Center",
    eventDate: "2025-10-02",
    code: "72148",
    moneyKind: "charge",
  }),
];

describe("treatment events and flags", () => {
  const dateOfLoss = "2025-09-05";
  const chronology = buildChronology(facts, { dateOfLoss, gapDays: 45 });
  const timeline = treatmentEvents(facts, { dateOfLoss, chronology });

  it("groups the visits by provider in date order and sorts each line into its column, cited", () => {
    expect(timeline.map((g) => [g.provider, g.events.map((e) => e.date)])).toEqual([
      ["Oak Hill Chiropractic", ["2024-06-01", "2025-09-10"]],
      ["Coastal Imaging Center", ["2025-10-02"]],
      ["Bayview Orthopedics", ["2025-12-01"]],
    ]);
    const [chiro, imaging, ortho] = timeline;
    expect(chiro?.events[1]).toMatchObject({
      visitType: "Chiropractic",
      beforeLoss: false,
      diagnoses: [{ text: "lumbar radiculopathy", code: "M54.16" }],
      findings: [{ text: "Straight leg raise positive on the left at 40 degrees" }],
    });
    expect(chiro?.events[0]?.beforeLoss).toBe(true);
    expect(imaging?.events[0]).toMatchObject({
      visitType: "Imaging",
      billOnly: true,
      procedures: [{ code: "72148" }],
    });
    expect(ortho?.events[0]).toMatchObject({
      visitType: "Office visit",
      restrictions: [{ text: "No lifting over 10 lbs and no work for two weeks" }],
      care: [{ text: "Meloxicam 15 mg once daily" }],
    });
    expect(ortho?.events[0]?.restrictions[0]?.citation).toMatchObject({
      sourceFilename: "records.pdf",
      pageNumber: 6,
    });
  });

  it("flags gaps over the chosen length, care before the date of loss, and bills and records that do not match", () => {
    const flags = chronologyFlags({
      chronology,
      events: timeline,
      dateOfLoss,
      billed: [
        { provider: "Coastal Imaging Center", billedCents: 180_000 },
        { provider: "Oak Hill Chiropractic", billedCents: 45_000 },
      ],
    });
    const kinds = (kind: string) => flags.filter((f) => f.kind === kind);
    // Sep 10 → Oct 2 is 22 days; Oct 2 → Dec 1 is 60; the chiropractor's two visits are 466 days apart.
    expect(kinds("gap").map((f) => [f.kind === "gap" && f.days, f.kind === "gap" && f.provider])).toEqual([
      [466, null],
      [60, null],
      [466, "Oak Hill Chiropractic"],
    ]);
    expect(kinds("before-loss")).toEqual([
      expect.objectContaining({
        date: "2024-06-01",
        message: expect.stringMatching(/before the date of loss/),
      }),
    ]);
    expect(kinds("bills-without-records").map((f) => f.provider)).toEqual(["Coastal Imaging Center"]);
    expect(kinds("records-without-bills").map((f) => f.provider)).toEqual(["Bayview Orthopedics"]);
    // The default length flags nothing shorter than a month.
    expect(buildChronology(facts, { dateOfLoss }).gaps.map((g) => g.days)).toEqual([466, 60, 466]);
    expect(buildChronology(facts, { dateOfLoss, gapDays: 90 }).gaps.map((g) => g.days)).toEqual([466, 466]);
  });
});
