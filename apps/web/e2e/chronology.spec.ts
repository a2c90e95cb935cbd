// The medical chronology on the development seed's demo case (its sample PDFs read and reviewed
// by the global setup's seed): events per provider, a line opening its page with the quote
// highlighted, the gap length changed, and the Word table downloaded and read back.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { strFromU8, unzipSync } from "fflate";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.STENO_E2E_SHOTS ?? path.resolve(here, "../screenshots");
const DEMO_CASE = "Rivera v. Acme Logistics — rear-end collision";

test("the chronology lists each visit per provider, opens a line's quote, flags a shorter gap and exports a table", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: DEMO_CASE }).click();
  await page.getByRole("tab", { name: "Chronology" }).click();
  const pane = page.getByRole("tabpanel", { name: "Chronology" });
  const hospital = pane.getByRole("article", { name: "Springfield General Hospital" });
  const therapy = pane.getByRole("article", { name: "Riverside Physical Therapy" });

  await test.step("each provider's visits in date order, the hospital's diagnoses in words", async () => {
    await expect(hospital.getByTestId("chronology-event").first()).toContainText("Emergency department");
    await expect(therapy.getByTestId("chronology-event")).toHaveCount(12);
    await expect(hospital).toContainText("Sprain of ligaments of cervical spine");
    // Records and bills agree, and care is never a month apart: nothing to flag at 30 days.
    await expect(pane.getByTestId("chronology-flags")).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, "chronology-1366.png") });
  });

  await test.step("a diagnosis opens the ER record at its quote", async () => {
    await hospital.getByRole("button", { name: /^Sprain of ligaments of cervical spine/ }).click();
    const viewer = page.getByRole("dialog", { name: "er-record.pdf" });
    await expect(viewer.locator(".textLayer .highlight").first()).toBeVisible({ timeout: 45_000 });
    await page.keyboard.press("Escape");
    await expect(viewer).toBeHidden();
  });

  await test.step("a shorter gap length flags the nine days from the ER to therapy", async () => {
    await pane.getByLabel("Flag gaps over").fill("5");
    await expect(pane.getByTestId("chronology-flags")).toContainText("9 days without any care");
  });

  await test.step("the Word table has a row per visit", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      pane.getByRole("button", { name: "Download .docx" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/chronology\.docx$/);
    const xml = strFromU8(
      unzipSync(readFileSync((await download.path()) as string))["word/document.xml"] ?? new Uint8Array(),
    );
    const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) =>
      [...r[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(" "),
    );
    // Date, then provider: the therapist's twelve visits.
    expect(rows.filter((r) => /^\w+ \d{1,2}, \d{4} Riverside Physical Therapy /.test(r))).toHaveLength(12);
    expect(rows.some((r) => r.includes("Springfield General Hospital") && r.includes("S13.4XXA"))).toBe(true);
    expect(xml).toContain("9 days without any care");
  });
});
