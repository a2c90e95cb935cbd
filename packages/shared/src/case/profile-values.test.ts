import { describe, expect, it } from "vitest";
import { profileValueKey, toIsoDate } from "./profile-values.ts";

describe("profile values", () => {
  it("reads the dates documents print", () => {
    expect(toIsoDate("03/14/2026")).toBe("2026-03-14");
    expect(toIsoDate("3/4/26")).toBe("2026-03-04");
    expect(toIsoDate("March 14, 2026")).toBe("2026-03-14");
    expect(toIsoDate("Mar. 14th 2026")).toBe("2026-03-14");
    expect(toIsoDate("14 March 2026")).toBe("2026-03-14");
    expect(toIsoDate("2026-03-14")).toBe("2026-03-14");
    expect(toIsoDate("02/30/2026")).toBeNull();
    expect(toIsoDate("last Tuesday")).toBeNull();
  });

  it("gives two spellings of one value one key, and two values two keys", () => {
    const same = (field: Parameters<typeof profileValueKey>[0], a: string, b: string) =>
      profileValueKey(field, a) === profileValueKey(field, b);
    expect(same("clientName", "RAMIREZ, ELENA M", "Elena M. Ramirez")).toBe(true);
    expect(same("clientName", "Elena Ramirez", "Elena M. Ramirez")).toBe(true);
    expect(same("clientName", "Maria Ramirez", "Elena M. Ramirez")).toBe(false);
    expect(same("dateOfLoss", "03/14/2026", "March 14, 2026")).toBe(true);
    expect(same("dateOfLoss", "2025-03-14", "03/14/2026")).toBe(false);
    expect(same("claimNumber", "LSM-26-04417", "lsm 26 04417")).toBe(true);
    expect(same("claimNumber", "LSM-26-04417", "LSM-26-04418")).toBe(false);
    expect(same("atFaultCarrier", "LONE STAR MUTUAL", "Lone Star Mutual.")).toBe(true);
    // A company's comma is not "LAST, FIRST".
    expect(same("vehicleOwner", "Acme Logistics, LLC", "LLC Acme Logistics")).toBe(false);
    expect(same("adjusterEmail", " J.Lee@Carrier.com", "j.lee@carrier.com")).toBe(true);
  });
});
