import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { formatUsd } from "@steno/shared";
import { confirmParties, createCase, register } from "./steps.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "../../api-worker/test/fixtures/case");
// The hospital bill printed, scanned at 150 dpi, turned a little and speckled: no text layer.
const SCAN = path.resolve(here, "../../api-worker/test/fixtures/scan/bill-springfield-general.pdf");
const SCANNED_FILE = path.basename(SCAN);
const run = Date.now().toString(36);

// The text version's totals, generated with the case: the scan must come to the same cents.
const expected = JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8")) as {
  ledger: {
    medicalTotalCents: number;
    wageLossCents: number;
    totals: Array<{ provider: string; amountCents: number }>;
  };
};
const HOSPITAL = expected.ledger.totals.find((t) => t.provider === "Springfield General Hospital");
const TOTAL = formatUsd(expected.ledger.medicalTotalCents + expected.ledger.wageLossCents);

test("a scanned bill is read by OCR, cited on its scanned page, and the letter's totals equal the text version's", async ({
  page,
}) => {
  expect(HOSPITAL).toBeDefined();
  await register(page, { name: "Ana Ortiz", firm: "Ortiz Law", email: `ana-${run}@e2e.test` });
  await createCase(page, "Rivera v. Acme Logistics (scanned)");

  await test.step("the case file with the hospital bill as a scan: OCR'd, with its coverage shown", async () => {
    const files = [
      ...readdirSync(FIXTURES)
        .filter((f) => f.endsWith(".pdf") && f !== SCANNED_FILE)
        .map((f) => path.join(FIXTURES, f)),
      SCAN,
    ];
    await page.getByLabel("Add PDF sources").setInputFiles(files);
    await expect(page.locator('[data-testid="source"][data-status="ready"]')).toHaveCount(files.length, {
      timeout: 120_000,
    });
    const scanned = page.getByTestId("source").filter({ hasText: SCANNED_FILE });
    await expect(scanned.getByTestId("source-coverage")).toContainText("2 / 2 pages read (2 by OCR");
    await page.getByRole("button", { name: "Approve all" }).click();
    await expect(page.getByText(/Approved \d+ facts?\./)).toBeVisible();
  });

  await test.step("the scanned bill's lines add up to the text version's, each cited to its page", async () => {
    await page.getByRole("tab", { name: "Damages" }).click();
    const damages = page.getByRole("tabpanel", { name: "Damages" });
    const hospital = damages.getByRole("article", { name: "Springfield General Hospital" });
    await expect(hospital).toContainText(formatUsd(HOSPITAL?.amountCents ?? 0));
    await expect(damages.getByTestId("damages-pane-total")).toHaveText(TOTAL);
  });

  await test.step("the chronology lists the hospital read from the scan beside the therapy records", async () => {
    await page.getByRole("tab", { name: "Chronology" }).click();
    const chronology = page.getByRole("tabpanel", { name: "Chronology" });
    await expect(chronology.getByRole("article", { name: "Springfield General Hospital" })).toBeVisible();
    await expect(chronology.getByRole("article", { name: "Riverside Physical Therapy" })).toContainText(
      /visits?/,
    );
    await page.getByRole("tab", { name: "Damages" }).click();
  });

  await test.step("a citation opens the scanned page with the quote highlighted", async () => {
    const hospital = page
      .getByRole("tabpanel", { name: "Damages" })
      .getByRole("article", { name: "Springfield General Hospital" });
    await hospital
      .getByRole("button", { name: `p. 1 of ${SCANNED_FILE}`, exact: true })
      .first()
      .click();
    const viewer = page.getByRole("dialog", { name: SCANNED_FILE });
    await expect(viewer.locator(".textLayer .highlight").first()).toBeVisible({ timeout: 20_000 });
    await page.keyboard.press("Escape");
    await expect(viewer).toBeHidden();
  });

  await test.step("the letter carries the same total", async () => {
    await confirmParties(page);
    await expect(page.getByTestId("readiness-count")).toHaveText("Ready: nothing to resolve");
    await expect(page.getByTestId("sync-status")).toContainText("Live");
    await page.getByRole("button", { name: "Generate draft" }).click();
    await expect(page.getByTestId("generate-status")).toHaveText("Draft written into the letter.", {
      timeout: 60_000,
    });
    const letter = page.getByRole("textbox", { name: "Letter text" });
    await expect(letter.getByRole("row").filter({ hasText: /^Total/ })).toHaveText(
      new RegExp(`^Total\\s*${TOTAL.replace(/[$.]/g, "\\$&")}$`),
    );
  });
});
