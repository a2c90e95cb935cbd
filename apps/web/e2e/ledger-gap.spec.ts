import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { formatLongDate, formatUsd } from "@steno/shared";
import { GAP_BILL, gapBill } from "./gap-bill.ts";
import { confirmParties, createCase, docxText, register } from "./steps.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "../../api-worker/test/fixtures/case");
const run = Date.now().toString(36);

// What the case's own documents add up to (generated with them), plus the imaging bill's total:
// the letter must carry exactly this, not what the reader happened to itemize.
const expected = JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8")) as {
  ledger: { medicalTotalCents: number; wageLossCents: number };
};
const TOTAL = formatUsd(
  expected.ledger.medicalTotalCents + expected.ledger.wageLossCents + GAP_BILL.statedCents,
);
const ITEMIZED = GAP_BILL.lines.reduce((sum, l) => sum + l.cents, 0);
const MISSING = formatUsd(GAP_BILL.missing.cents);
const STATED = formatUsd(GAP_BILL.statedCents);

test("a bill whose lines fall short of its stated total blocks the letter until the attorney adds the line", async ({
  page,
}, testInfo) => {
  await register(page, { name: "Lee Park", firm: "Park Injury Law", email: `lee-${run}@e2e.test` });

  await test.step("a case whose imaging bill itemizes less than its total", async () => {
    await createCase(page, "Rivera v. Acme Logistics (imaging)");

    const bill = testInfo.outputPath(GAP_BILL.filename);
    writeFileSync(bill, await gapBill());
    const files = [
      ...readdirSync(FIXTURES)
        .filter((f) => f.endsWith(".pdf"))
        .map((f) => path.join(FIXTURES, f)),
      bill,
    ];
    await page.getByLabel("Add PDF sources").setInputFiles(files);
    await expect(page.locator('[data-testid="source"][data-status="ready"]')).toHaveCount(files.length, {
      timeout: 90_000,
    });
    await page.getByRole("button", { name: "Approve all" }).click();
    await expect(page.getByText(/Approved \d+ facts?\./)).toBeVisible();
  });

  const readiness = page.getByTestId("readiness");
  const gapMessage = `lines ${formatUsd(ITEMIZED)} of stated ${STATED} — ${MISSING} not itemized`;

  await test.step("the Damages tab and the readiness check show the gap to the cent", async () => {
    await page.getByRole("tab", { name: "Damages" }).click();
    const damages = page.getByRole("tabpanel", { name: "Damages" });
    const imaging = damages.getByRole("article", { name: GAP_BILL.provider });
    await expect(imaging.getByTestId("statement")).toContainText(gapMessage);
    // Every other bill of the case adds up.
    await expect(damages.getByTestId("statement").filter({ hasText: "Reconciled" })).toHaveCount(2);
    await expect(readiness.getByTestId("readiness-item").filter({ hasText: gapMessage })).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Generate draft" })).toBeDisabled();
  });

  await test.step("with the parties confirmed, the gap alone blocks generation", async () => {
    await confirmParties(page);
    await expect(page.getByTestId("readiness-count")).toHaveText("1 item to resolve");
    await expect(readiness.getByTestId("readiness-item")).toContainText(gapMessage);
    await expect(page.getByRole("button", { name: "Generate draft" })).toBeDisabled();
  });

  await test.step("the attorney adds the missing line from the bill's page", async () => {
    await page.getByRole("tab", { name: "Damages" }).click();
    const imaging = page
      .getByRole("tabpanel", { name: "Damages" })
      .getByRole("article", { name: GAP_BILL.provider });
    await imaging.getByRole("button", { name: "Add the missing line" }).click();
    const viewer = page.getByRole("dialog", { name: GAP_BILL.filename });
    // The page with the stated total, where the note about the late-posted x-ray is printed.
    await expect(viewer.getByRole("group", { name: "Page controls" })).toContainText(
      `Page ${GAP_BILL.missing.pageNumber} of 2`,
    );
    await expect(viewer.getByTestId("pdf-stage")).toContainText(GAP_BILL.missing.quote, { timeout: 20_000 });
    const form = viewer.getByRole("form", { name: "Add a fact" });
    // Prefilled from the statement: a charge of the difference, this provider, this page.
    await expect(form.getByLabel("Category")).toHaveValue("billing");
    await expect(form.getByLabel("Kind of amount")).toHaveValue("charge");
    await expect(form.getByLabel("Amount ($)")).toHaveValue((GAP_BILL.missing.cents / 100).toFixed(2));
    await expect(form.getByLabel("Provider")).toHaveValue(GAP_BILL.provider);
    await expect(form.getByLabel("Source").locator("option:checked")).toHaveText(GAP_BILL.filename);
    await expect(form.getByLabel("Page")).toHaveValue(String(GAP_BILL.missing.pageNumber));
    await form
      .getByLabel("Fact")
      .fill(`Follow-up lumbar spine x-ray on ${GAP_BILL.missing.isoDate}: ${MISSING}`);
    await form.getByLabel("Date").fill(GAP_BILL.missing.isoDate);
    await form.getByLabel("Quoted text").fill(GAP_BILL.missing.quote);
    await form.getByRole("button", { name: "Add fact" }).click();
    await expect(viewer).toBeHidden();
  });

  await test.step("the bill reconciles and nothing blocks the letter", async () => {
    const damages = page.getByRole("tabpanel", { name: "Damages" });
    const imaging = damages.getByRole("article", { name: GAP_BILL.provider });
    await expect(imaging.getByTestId("statement")).toContainText(
      `✓ Reconciled: lines ${STATED} = stated ${STATED}`,
    );
    // The added line is cited to the bill's page, its quote found there (no ⚠).
    const added = imaging.getByRole("row").filter({ hasText: MISSING });
    await expect(
      added.getByRole("button", { name: `p. 2 of ${GAP_BILL.filename}`, exact: true }),
    ).toBeVisible();
    await expect(damages.getByTestId("statement").filter({ hasText: "Reconciled" })).toHaveCount(3);
    await expect(damages.getByTestId("damages-pane-total")).toHaveText(TOTAL);
    await expect(page.getByTestId("readiness-count")).toHaveText("Ready: nothing to resolve");
    await expect(readiness.getByTestId("readiness-item").filter({ hasText: "not itemized" })).toHaveCount(0);
  });

  const letter = page.getByRole("textbox", { name: "Letter text" });
  await test.step("the letter carries the line and the exact total", async () => {
    await expect(page.getByTestId("sync-status")).toContainText("Live");
    await page.getByRole("button", { name: "Generate draft" }).click();
    await expect(page.getByTestId("generate-status")).toHaveText("Draft written into the letter.", {
      timeout: 60_000,
    });
    const rows = letter.getByRole("row");
    await expect(
      rows
        .filter({ hasText: GAP_BILL.provider })
        .filter({ hasText: formatLongDate(GAP_BILL.missing.isoDate) }),
    ).toContainText(MISSING);
    await expect(rows.filter({ hasText: /^Total/ })).toHaveText(
      new RegExp(`^Total\\s*${TOTAL.replace(/[$.]/g, "\\$&")}$`),
    );
  });

  await test.step("printing gives the letter from the first page, the workspace left out", async () => {
    // Chromium's print path, as "Print / PDF" uses it: the print stylesheet decides what prints.
    await page.emulateMedia({ media: "print" });
    const printed = await page.pdf({ preferCSSPageSize: true });
    await page.emulateMedia({ media: "screen" });
    const { extractText, getDocumentProxy } = await import("unpdf");
    const pdf = await getDocumentProxy(new Uint8Array(printed));
    const { text } = await extractText(pdf, { mergePages: false });
    const first = (text[0] ?? "").replace(/\s+/g, " ");
    expect(first).toContain("Re:");
    expect(first).not.toContain("Approve all");
    expect(text.join(" ")).toContain(TOTAL);
    expect(text.join(" ")).not.toContain("Add the missing line");
  });

  await test.step("the exported letter too", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export .docx" }).click(),
    ]);
    const text = docxText(new Uint8Array(readFileSync(await download.path())));
    expect(text).toContain(GAP_BILL.provider);
    expect(text).toContain(MISSING);
    expect(text).toContain(TOTAL);
  });
});
