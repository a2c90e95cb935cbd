import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { formatUsd } from "@steno/shared";
import { confirmProfile, dismissAdjuster, docxText, register } from "./steps.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "../../api-worker/test/fixtures/case");
const SHOTS = path.resolve(here, "../screenshots");
const run = Date.now().toString(36);

// Whatever the browser refuses under the Content-Security-Policy it reports on the console.
const cspViolations: string[] = [];
const watchCsp = (page: Page) =>
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

async function newUser(browser: Browser, who: { name: string; firm: string; email: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watchCsp(page);
  await register(page, who);
  return { context, page };
}

test("a new attorney takes a case from PDFs to an exported, co-edited letter", async ({ page, browser }) => {
  const owner = { name: "Dana Harper", firm: "Harper & Lane", email: `dana-${run}@e2e.test` };
  const editor = { name: "Sam Ortiz", firm: "Ortiz Legal", email: `sam-${run}@e2e.test` };
  const viewer = { name: "Vic Chen", firm: "Chen Review", email: `vic-${run}@e2e.test` };

  watchCsp(page);
  await test.step("register", async () => {
    const signIn = await page.goto("/sign-in");
    // The production build with the headers Pages sends.
    expect(signIn?.headers()["content-security-policy"]).toContain("script-src 'self';");
    expect(signIn?.headers()["x-frame-options"]).toBe("DENY");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(page.getByTestId("ai-provider")).toContainText("Local (offline, rule-based)");
    await page.getByLabel("Email").fill(`nobody-${run}@e2e.test`);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect");
    await shot(page, "01-sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter your name")).toBeVisible(); // validation before any request
    await shot(page, "02-register-errors");
    await register(page, owner);
  });

  const documentId = await test.step("create a case", async () => {
    await page.getByRole("button", { name: "New case" }).click();
    const dialog = page.getByRole("dialog", { name: "New case" });
    await dialog.getByLabel("Case title").fill("Rivera v. Acme Logistics");
    await dialog.getByLabel("Client name").fill("Maria L. Rivera");
    await dialog.getByLabel("Incident date").fill("2026-03-14");
    await dialog.getByRole("button", { name: "Create case" }).click();
    await expect(page.getByRole("heading", { name: "Rivera v. Acme Logistics" })).toBeVisible();
    const id = /\/cases\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    return id as string;
  });

  await test.step("upload the case file and wait for extraction", async () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith(".pdf"))
      .map((f) => path.join(FIXTURES, f));
    expect(files.length).toBeGreaterThan(0);
    await page.getByLabel("Add PDF sources").setInputFiles(files);
    await expect(page.getByTestId("source")).toHaveCount(files.length, { timeout: 30_000 });
    await shot(page, "04-workspace-extracting");
    await expect(page.locator('[data-testid="source"][data-status="ready"]')).toHaveCount(files.length, {
      timeout: 90_000,
    });
    await expect(page.getByTestId("fact").first()).toBeVisible();
  });

  await test.step("open a citation in the PDF viewer", async () => {
    await page.locator(".citation").first().click();
    const viewerDialog = page.getByRole("dialog");
    await expect(viewerDialog.locator(".textLayer .highlight").first()).toBeVisible({ timeout: 20_000 });
    await shot(page, "05-pdf-viewer");
    await page.keyboard.press("Escape");
    await expect(viewerDialog).toBeHidden();
  });

  await test.step("approve every fact", async () => {
    await page.getByRole("button", { name: "Approve all" }).click();
    await expect(page.getByText(/Approved \d+ facts?\./)).toBeVisible();
    await expect(page.getByTestId("fact-count")).not.toContainText("to review");
  });

  const total = await test.step("the damages ledger", async () => {
    const response = await page.request.get(
      `/trpc/letters.damages?input=${encodeURIComponent(JSON.stringify({ documentId }))}`,
    );
    expect(response.ok()).toBe(true);
    const cents = ((await response.json()) as { result: { data: { totalCents: number } } }).result.data
      .totalCents;
    expect(cents).toBeGreaterThan(0);
    await expect(page.getByTestId("damages-total")).toHaveText(formatUsd(cents));
    return formatUsd(cents);
  });

  await test.step("confirm the case profile; what is left blocks generation until dismissed", async () => {
    await expect(page.getByTestId("readiness-count")).toHaveText(/^\d+ items? to resolve$/);
    await expect(page.getByRole("button", { name: "Generate draft" })).toBeDisabled();
    await confirmProfile(page);
    await shot(page, "06a-case-profile");
    await dismissAdjuster(page, "No adjuster assigned yet; goes to the claims department");
    await expect(page.getByTestId("readiness-count")).toHaveText("Ready: nothing to resolve");
    await page.getByRole("tab", { name: "Damages" }).click();
    await expect(
      page.getByRole("tabpanel", { name: "Damages" }).getByTestId("provider-damages").first(),
    ).toBeVisible();
    await shot(page, "06b-damages");
    await page.getByRole("tab", { name: "Facts" }).click();
  });

  const letter = page.getByRole("textbox", { name: "Letter text" });
  await test.step("generate the draft", async () => {
    await expect(page.getByTestId("sync-status")).toContainText("Live");
    await page.getByRole("button", { name: "Generate draft" }).click();
    await expect(page.getByTestId("generate-status")).toHaveText("Draft written into the letter.", {
      timeout: 60_000,
    });
    await expect(letter).toContainText("Dear");
    await expect(letter).toContainText(total);
    await expect(letter).toContainText("GLC-26-0314-7781"); // the confirmed claim number
    await shot(page, "06-workspace-draft");
  });

  const second = await newUser(browser, editor);
  const third = await newUser(browser, viewer);

  await test.step("invite an editor and a viewer", async () => {
    await page.getByRole("button", { name: "Collaborators" }).click();
    const dialog = page.getByRole("dialog", { name: "Collaborators" });
    for (const [who, role] of [
      [editor, "Editor"],
      [viewer, "Viewer"],
    ] as const) {
      await dialog.getByLabel("Invite by email").fill(who.email);
      await dialog.getByLabel("Role", { exact: true }).selectOption({ label: role });
      await dialog.getByRole("button", { name: "Invite" }).click();
      await expect(dialog.getByText(who.email, { exact: true })).toBeVisible();
    }
    await shot(page, "07-collaborators");
    await dialog.getByRole("button", { name: "Close" }).click();
    // Nobody joins a case unasked: each accepts the invitation from their case list.
    for (const invitee of [second, third]) {
      await invitee.page.goto("/");
      await invitee.page
        .getByRole("button", { name: "Accept the invitation to Rivera v. Acme Logistics" })
        .click();
      await expect(invitee.page.getByRole("link", { name: "Rivera v. Acme Logistics" })).toBeVisible();
    }
  });

  await test.step("two people edit the same letter", async () => {
    await second.page.goto(`/cases/${documentId}`);
    const letterB = second.page.getByRole("textbox", { name: "Letter text" });
    await expect(letterB).toContainText("Dear");
    await expect(second.page.getByTestId("sync-status")).toContainText("Live");

    await letter.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(`Owner note ${run}.`);
    await letterB.click();
    await second.page.keyboard.press("Control+End");
    await second.page.keyboard.press("Enter");
    await second.page.keyboard.type(`Editor note ${run}.`);

    await expect(letterB).toContainText(`Owner note ${run}.`);
    await expect(letter).toContainText(`Editor note ${run}.`);
    await expect(page.locator(".presence .avatar")).toHaveCount(2);
    await shot(second.page, "08-editor-coediting");

    // Offline, the editor keeps typing; the change is flagged, then merges on reconnect.
    await second.context.setOffline(true);
    await expect(second.page.getByTestId("sync-status")).not.toContainText("Live");
    await letterB.click();
    await second.page.keyboard.press("Control+End");
    await second.page.keyboard.type(` Offline addition ${run}.`);
    await expect(second.page.getByTestId("sync-status")).toContainText("unsynced changes");
    await second.context.setOffline(false);
    await expect(second.page.getByTestId("sync-status")).toContainText("Live", { timeout: 20_000 });
    await expect(letter).toContainText(`Offline addition ${run}.`);
  });

  await test.step("save a version", async () => {
    await page.getByRole("button", { name: "Versions" }).click();
    const dialog = page.getByRole("dialog", { name: "Version history" });
    await dialog.getByLabel("Save the letter as it is now").fill("Before export");
    await dialog.getByRole("button", { name: "Save version" }).click();
    await expect(dialog.getByText("Before export")).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await test.step("export to Word", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export .docx" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const text = docxText(new Uint8Array(readFileSync(await download.path())));
    expect(text).toContain("Dear");
    expect(text).toContain(total);
    expect(text).toContain(`Owner note ${run}.`);
    expect(text).toContain(`Editor note ${run}.`);
  });

  await test.step("a viewer cannot type in the letter", async () => {
    await third.page.goto(`/cases/${documentId}`);
    const letterC = third.page.getByRole("textbox", { name: "Letter text" });
    await expect(letterC).toContainText(`Editor note ${run}.`);
    await expect(letterC).toHaveAttribute("contenteditable", "false");
    await expect(third.page.getByRole("toolbar", { name: "Formatting" })).toHaveCount(0);
    await expect(third.page.getByRole("button", { name: "Generate draft" })).toHaveCount(0);
    await letterC.click();
    await third.page.keyboard.press("Control+End");
    await third.page.keyboard.type("VIEWER WAS HERE");
    await third.page.waitForTimeout(500);
    await expect(letterC).not.toContainText("VIEWER WAS HERE");
    await expect(letter).not.toContainText("VIEWER WAS HERE");
    await shot(third.page, "09-viewer-readonly");
  });

  await test.step("the other screens, after the access token expired", async () => {
    // The app refreshes the session once and retries what failed.
    await page.context().clearCookies({ name: "steno_access" });
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Cases" }).click();
    await expect(page.getByRole("link", { name: "Rivera v. Acme Logistics" })).toBeVisible();
    await shot(page, "03-cases");
    await page.getByLabel("Search").fill("Acme");
    await expect(page.getByRole("row", { name: /Rivera v\. Acme Logistics.*title/ })).toBeVisible();
    await page.getByLabel("Search").fill("");
    await nav.getByRole("link", { name: "Templates" }).click();
    await expect(page.getByLabel("Body")).toHaveValue(/Dear \{\{insurer\.adjuster\}\}/);
    await page.getByLabel("Against case").selectOption({ label: "Rivera v. Acme Logistics" });
    await expect(page.locator(".template-preview")).toContainText(total);
    await shot(page, "10-templates");
    // A misspelt variable is named once, in the field, as typed and after trying to save.
    const body = page.getByLabel("Body");
    const original = await body.inputValue();
    await body.fill(`${original}\n\n{{insurer.adjustr}}`);
    const unknownVariable = page.getByText("Unknown template variable: {{insurer.adjustr}}");
    await expect(unknownVariable).toHaveCount(1);
    await page.getByRole("button", { name: "Save new version" }).click();
    await expect(unknownVariable).toHaveCount(1);
    await body.fill(original);
    await expect(unknownVariable).toHaveCount(0);
    await nav.getByRole("link", { name: "Firm settings" }).click();
    await expect(page.getByLabel("Firm name")).toHaveValue(owner.firm);
    await shot(page, "11-firm-settings");
  });

  await test.step("the letter and its exhibits as PDFs; the letter as the editor shows it", async () => {
    // Back on the case first: the page's session (refreshed by the app) is what the requests carry.
    await page.goto(`/cases/${documentId}`);
    await expect(letter).toContainText(`Editor note ${run}.`);
    await letter.screenshot({ path: path.join(SHOTS, "12-letter-in-editor.png") });
    const pdfs: Record<string, Uint8Array> = {};
    for (const file of ["export.pdf", "exhibits.pdf"]) {
      const res = await page.request.get(`/api/documents/${documentId}/${file}`);
      expect(res.status(), file).toBe(200);
      expect(res.headers()["content-type"], file).toBe("application/pdf");
      pdfs[file] = new Uint8Array(await res.body());
      expect(Buffer.from(pdfs[file]).subarray(0, 5).toString(), file).toBe("%PDF-");
    }
    // The exported PDF's first page as it prints: rendered by PDFium (headless Chromium has no
    // PDF viewer), saved beside the screenshots.
    const { createOcr } = await import("@steno/ocr");
    const { loadNodeAssets } = await import("@steno/ocr/node");
    const ocr = await createOcr(await loadNodeAssets());
    const exported = await ocr.openPdf(pdfs["export.pdf"] as Uint8Array);
    const first = await ocr.render(exported, 1, 96);
    exported.close();
    ocr.destroy();
    const { default: jpeg } = await import("jpeg-js");
    writeFileSync(path.join(SHOTS, "13-export-pdf-page-1.jpg"), jpeg.encode(first, 90).data);
    expect(first.points.map(Math.round)).toEqual([612, 792]);
  });

  await second.context.close();
  await third.context.close();
  expect(cspViolations).toEqual([]);
});
