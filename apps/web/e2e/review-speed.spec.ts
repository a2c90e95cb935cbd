// Review at speed (issue 17), from the development seed's demo case (its sample PDFs read and
// reviewed by the global setup's seed):
// facts reviewed by keyboard, a selection approved at once, the cited quote highlighted word for
// word, the workspace laid out at 1366×768 and 1024×768, and axe-core on every screen.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Locator, test } from "@playwright/test";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { expectAccessible } from "./steps.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.STENO_E2E_SHOTS ?? path.resolve(here, "../screenshots");
const DEMO_CASE = "Rivera v. Acme Logistics — rear-end collision";
// A sentence in the middle of a line of the ER record: the rest of the line must stay unmarked.
const QUOTE = "Pain rated 7/10.";

const squash = (text: string) => text.toLowerCase().replace(/\s+/g, "");

/** Widths of the highlighted quote and of the text runs it sits in, and the highlighted text. */
async function measureHighlight(viewer: Locator) {
  return viewer.locator(".textLayer").evaluate((layer) => {
    const marks = Array.from(layer.querySelectorAll<HTMLElement>(".highlight"));
    const runs = Array.from(new Set(marks.map((m) => m.parentElement ?? m)));
    const width = (elements: HTMLElement[]) =>
      elements.reduce((sum, e) => sum + e.getBoundingClientRect().width, 0);
    return {
      text: marks.map((m) => m.textContent ?? "").join(" "),
      markWidth: width(marks),
      runWidth: width(runs),
    };
  });
}

test("facts reviewed by keyboard and in bulk, the quote highlighted, laptop layouts, axe on every screen", async ({
  page,
}) => {
  await test.step("sign-in and registration pass axe", async () => {
    await page.goto("/register");
    await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
    await expectAccessible(page, "register");
    await page.goto("/sign-in");
    await expectAccessible(page, "sign-in");
    await page.getByLabel("Email").fill(DEMO_LOGIN.email);
    await page.getByLabel("Password").fill(DEMO_LOGIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();
    await expectAccessible(page, "cases");
  });

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.getByRole("link", { name: DEMO_CASE }).click();
  const facts = page.getByRole("tabpanel", { name: "Facts" });
  const items = facts.getByTestId("fact");

  await test.step("“To review” is the default; the list is reviewed by keyboard", async () => {
    await expect(facts.getByLabel("Show", { exact: true })).toHaveValue("pending");
    // One record's facts, every status: a list to move through.
    await facts.getByLabel("Source").selectOption({ label: "er-record.pdf" });
    await facts.getByLabel("Show", { exact: true }).selectOption("all");
    await expect(items.first()).toBeVisible();
    // Keys act once focus is off the select: on the page itself, j starts at the first fact.
    await facts.getByLabel("Show", { exact: true }).blur();
    await page.keyboard.press("j");
    await expect(items.nth(0)).toBeFocused();
    await page.keyboard.press("j");
    await expect(items.nth(1)).toBeFocused();
    await page.keyboard.press("k");
    await expect(items.nth(0)).toBeFocused();
    // r rejects and moves on, twice.
    await page.keyboard.press("r");
    await expect(items.nth(0)).toHaveAttribute("data-status", "rejected");
    await expect(items.nth(1)).toBeFocused();
    await page.keyboard.press("r");
    await expect(items.nth(1)).toHaveAttribute("data-status", "rejected");
    await expect(items.nth(2)).toBeFocused();
    // e edits; keys typed in the form are text, not shortcuts; Escape returns to the fact.
    await page.keyboard.press("e");
    const form = facts.getByRole("form", { name: "Edit fact" });
    await expect(form.getByLabel("Fact")).toBeFocused();
    await page.keyboard.type(" ar");
    await expect(form.getByLabel("Fact")).toHaveValue(/^ ar/);
    await page.keyboard.press("Escape");
    await expect(form).toHaveCount(0);
    await expect(items.nth(2)).toBeFocused();
    await expect(items.nth(2)).not.toHaveAttribute("data-status", "rejected");
  });

  await test.step("o opens the PDF with only the quote's words highlighted", async () => {
    await items.filter({ hasText: QUOTE }).first().locator(".fact-text").click();
    await page.keyboard.press("o");
    const viewer = page.getByRole("dialog", { name: "er-record.pdf" });
    // pdf.js renders the page and its text layer first; the mark is the signal it is done.
    await expect(viewer.locator(".textLayer .highlight").first()).toBeVisible({ timeout: 60_000 });
    const measured = await measureHighlight(viewer);
    expect(squash(measured.text)).toBe(squash(QUOTE));
    // The line goes on ("No numbness, tingling …"): the mark is a part of it, not all of it.
    expect(measured.markWidth).toBeGreaterThan(0);
    expect(measured.markWidth).toBeLessThan(measured.runWidth * 0.6);
    await page.keyboard.press("Escape");
    await expect(viewer).toBeHidden();
  });

  await test.step("the rejected facts are approved as a selection", async () => {
    await facts.getByLabel("Show", { exact: true }).selectOption("rejected");
    await expect(items).toHaveCount(2);
    await facts.getByLabel("Select all shown").check();
    await facts.getByRole("button", { name: "Approve selected (2)" }).click();
    await expect(facts.getByText("Approved 2 facts.")).toBeVisible();
    await expect(items).toHaveCount(0);
    await facts.getByLabel("Show", { exact: true }).selectOption("pending");
  });

  await test.step("1366×768: the editor has the letter pane; the panels before it fold", async () => {
    const letter = page.getByRole("textbox", { name: "Letter text" });
    await expect(letter).toBeVisible();
    const prep = page.locator(".letter-prep");
    await expect(prep).not.toHaveAttribute("open");
    const pane = await page.locator(".pane-letter").boundingBox();
    const editor = await letter.boundingBox();
    expect(pane && editor).toBeTruthy();
    if (!pane || !editor) return;
    // The editor starts in the pane's upper half (unfolded panels put it near the bottom) and is wide
    // enough for a letter's lines.
    expect(editor.y - pane.y).toBeLessThan(pane.height * 0.5);
    expect(editor.width).toBeGreaterThan(420);
    // Nothing of the page runs off to the side.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await page.screenshot({ path: path.join(SHOTS, "workspace-1366.png") });
    await page.setViewportSize({ width: 1024, height: 768 });
    await expect(letter).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    const narrow = await letter.boundingBox();
    expect(narrow?.width ?? 0).toBeGreaterThan(420);
    await page.screenshot({ path: path.join(SHOTS, "workspace-1024.png") });
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  await test.step("every tab of the workspace passes axe", async () => {
    const tabs = await page.getByRole("tablist", { name: "Case" }).getByRole("tab").all();
    for (const [index, tab] of tabs.entries()) {
      await tab.click();
      const name = (await tab.textContent()) ?? "tab";
      await expect(page.getByRole("tabpanel", { name })).toBeVisible();
      // The whole workspace once; then each other tab's own panel.
      await expectAccessible(
        page,
        `workspace: ${name}`,
        index === 0 ? undefined : "[role=tabpanel]:not([hidden])",
      );
    }
  });

  await test.step("templates and firm settings pass axe", async () => {
    await page.getByRole("link", { name: "Templates" }).click();
    await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
    await expectAccessible(page, "templates");
    await page.getByRole("link", { name: "Firm settings" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, "firm settings");
  });
});
