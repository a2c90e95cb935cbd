// The demand's lifecycle in the browser (issue 17), from the development seed's demo case (the
// global setup's stack runs `POST /dev/seed`): the attorney redrafts, compares their change with
// the draft's version, brings a partner's Word edit back as a suggestion and accepts it, marks the
// letter sent (no suggestion pending), and the case list shows the response deadline and
// sorts by it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.resolve(here, "../screenshots");
const DEMO_CASE = "Rivera v. Acme Logistics — rear-end collision";

test("mark the letter sent; the case list shows the deadline and sorts by it", async ({ page }) => {
  const run = Date.now().toString(36);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const caseLink = page.getByRole("link", { name: DEMO_CASE });
  await expect(caseLink).toBeVisible();
  const documentId = (await caseLink.getAttribute("href"))?.split("/").pop() ?? "";

  await test.step("the parties the letter is addressed with, as the profile panel confirms them", async () => {
    // Not what this test is about: what the seed left unconfirmed (the records name no adjuster
    // or insured) is confirmed through the API the panel calls.
    const input = encodeURIComponent(JSON.stringify({ documentId }));
    const profile = (await (await page.request.get(`/trpc/profile.get?input=${input}`)).json()) as {
      result: { data: { fields: Record<string, { confirmed: { value: string } | null }> } };
    };
    const values = {
      clientName: "Maria Rivera",
      insuredName: "Acme Logistics LLC",
      claimNumber: "CLM-2026-0314",
      policyNumber: "AL-55-1200",
      dateOfLoss: "2026-03-14",
      location: "Springfield, IL",
      adjusterName: "Dana Lee",
      atFaultCarrier: "Acme Mutual",
    };
    for (const [field, value] of Object.entries(values)) {
      if (profile.result.data.fields[field]?.confirmed) continue;
      const res = await page.request.post("/trpc/profile.confirm", { data: { documentId, field, value } });
      expect(res.ok()).toBe(true);
    }
    // A newer case, not sent: first by date, after the demo case by deadline.
    const newer = await page.request.post("/trpc/documents.create", {
      data: { title: `Not sent yet ${run}` },
    });
    expect(newer.ok()).toBe(true);
  });

  await test.step("mark sent from the Sent & offers tab", async () => {
    await caseLink.click();
    const letter = page.getByRole("textbox", { name: "Letter text" });
    await expect(page.getByTestId("sync-status")).toContainText("Live");
    // The seed drafted before the insured was known, and a letter that still prints [insured]
    // cannot leave: draft again now that the case names them.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Generate draft" }).click();
    await expect(page.getByTestId("generate-status")).toHaveText("Draft written into the letter.", {
      timeout: 60_000,
    });
    await expect(letter).toContainText("Acme Logistics LLC");
    await expect(letter).not.toContainText("[insured]");
    await letter.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(`We look forward to your response. Ref ${run}.`);
    await expect(letter).toContainText(`Ref ${run}.`);

    await test.step("the draft is a version of its own: preview it, and see the change in a redline", async () => {
      await page.getByRole("button", { name: "Versions" }).click();
      const versions = page.getByRole("dialog", { name: "Version history" });
      const draft = versions.getByRole("listitem").filter({ hasText: /^Draft generated .+ UTC by / });
      await draft
        .first()
        .getByRole("button", { name: /^Preview/ })
        .click();
      const preview = versions.locator(".version-preview");
      await expect(preview).toContainText("Acme Logistics LLC");
      await expect(preview).not.toContainText(`Ref ${run}`);
      await versions.getByRole("button", { name: "Compare with current" }).click();
      const redline = versions.getByTestId("redline");
      await expect(redline.locator(".redline-doc ins")).toHaveText([
        `We look forward to your response. Ref ${run}.`,
      ]);
      await expect(redline.locator(".redline-inserted")).toContainText("Added");
      // The unchanged letter before the change is folded away.
      await expect(redline.getByRole("button", { name: /unchanged paragraphs: show$/ })).toBeVisible();
      await expect(redline.getByText(/^1 change since this version/)).toBeVisible();
      await expect(versions.getByRole("button", { name: "Restore this version" })).toBeVisible();
      await page.screenshot({ path: path.join(SHOTS, "versions-redline.png") });
      await versions.getByRole("button", { name: "Close" }).click();
    });

    await test.step("a partner's edit in Word comes back as a suggestion, accepted before sending", async () => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export .docx" }).click(),
      ]);
      const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
      const xml = strFromU8(files["word/document.xml"] ?? new Uint8Array());
      expect(xml).toContain("We look forward to your response.");
      // Edited as LibreOffice saves it: the new words in place, no revision marks.
      files["word/document.xml"] = strToU8(
        xml.replace("We look forward to your response.", "We look forward to your prompt response."),
      );
      await page.getByLabel("Import a Word file edited outside Steno").setInputFiles({
        name: "partner-edit.docx",
        mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        buffer: Buffer.from(zipSync(files)),
      });
      await expect(page.getByTestId("word-import-report")).toContainText("From Word: 1 suggestion");
      await expect(letter.locator("ins")).toHaveText(["prompt "]);
      const suggestion = page.getByRole("listitem", { name: /^Suggestion by Word import \(/ });
      await suggestion.getByRole("button", { name: "Accept" }).click();
      await expect(letter.locator("ins")).toHaveCount(0);
      await expect(letter).toContainText("We look forward to your prompt response.");
    });

    await page.getByRole("tab", { name: "Sent & offers" }).click();
    const panel = page.getByRole("tabpanel", { name: "Sent & offers" });
    await panel.getByRole("button", { name: /^Mark sent/ }).click();
    const dialog = page.getByRole("dialog", { name: "Mark the letter sent" });
    await expect(dialog.getByLabel("To")).toHaveValue(/^Dana Lee, /);
    await dialog.getByLabel("Method").selectOption("mail");
    await dialog.getByRole("button", { name: "Mark sent" }).click();
    await expect(dialog).toHaveCount(0);
    const sent = panel.getByTestId("sent-letter");
    await expect(sent).toContainText("Awaiting response — 30 days left");
    await expect(sent).toContainText(/by mail to Dana Lee, /);
    await expect(sent.getByRole("link", { name: /\.pdf$/ })).toBeVisible();
    await expect(page.getByTestId("demand-status")).toContainText("Awaiting response — 30 days left");

    // Our counter-offer does not answer the demand; it shows as the latest offer.
    await panel.getByRole("button", { name: "Add offer" }).click();
    const form = panel.getByRole("form", { name: "Add offer" });
    await form.getByLabel("From").selectOption("us");
    await form.getByLabel("Amount ($)").fill("85,000");
    await form.getByRole("button", { name: "Add offer" }).click();
    await expect(panel.getByTestId("offers")).toContainText("$85,000.00");
  });

  await test.step("the case list: the deadline, the latest offer, sorted by deadline", async () => {
    await page.getByRole("link", { name: "Cases", exact: true }).first().click();
    const first = page.locator(".cases-table tbody tr").first();
    await expect(first.getByRole("link")).toHaveText(`Not sent yet ${run}`);
    await page.getByLabel("Sort").selectOption("deadline");
    await expect(first.getByRole("link")).toHaveText(DEMO_CASE);
    await expect(first.getByTestId("case-response")).toHaveText("Awaiting response — 30 days left");
    await expect(first).toContainText("$85,000.00 countered");
    await page.screenshot({ path: path.join(SHOTS, "case-list-deadline.png") });
  });
});
