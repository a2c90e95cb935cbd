// AI edits arrive as suggestions (issue 16), on the development seed's drafted demo case: the
// attorney has the AI make a paragraph firmer, then regenerate its section from the case. Each is
// a suggestion by "AI (requested by …)" though the attorney is not suggesting; accepting it
// changes the text, and the section ends as the case's own data writes it.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "@steno/shared/demo";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.resolve(here, "../screenshots");
const DEMO_CASE = "Rivera v. Acme Logistics — rear-end collision";
const HEDGED = "We believe that your insured should pay for this harm.";
const FIRM = "Your insured must pay for this harm.";

test("Rewrite with AI: a firmer paragraph and a regenerated section arrive as suggestions", async ({
  page,
}) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: DEMO_CASE }).click();
  const letter = page.getByRole("textbox", { name: "Letter text" });
  // The first room connection (token, Durable Object start) can be slow on 2 busy cores.
  await expect(page.getByTestId("sync-status")).toContainText("Live", { timeout: 45_000 });
  const paragraph = letter.locator("h2", { hasText: /^Liability$/ }).locator("xpath=following-sibling::p[1]");
  const ai = page.getByRole("listitem", { name: /^Suggestion by AI \(requested by / });
  const menu = page.getByRole("group", { name: "Rewrite with AI" });
  const rewrite = async (choice: string) => {
    await paragraph.click({ position: { x: 4, y: 4 } });
    await page.getByRole("button", { name: "Rewrite with AI ▾" }).click();
    await menu.getByRole("button", { name: choice }).click();
  };

  await test.step("a hedged sentence made firmer: the changed words struck, the new inserted, then accepted", async () => {
    await paragraph.click({ position: { x: 4, y: 4 } });
    await page.keyboard.press("Home");
    await page.keyboard.type(`${HEDGED} `);
    await expect(paragraph).toContainText(HEDGED);
    await rewrite("Firmer");
    // As Word tracks it: only the words that differ are struck and inserted, the rest untouched.
    await expect(paragraph.locator("del")).toHaveText(["We believe that your", "should"]);
    await expect(paragraph.locator("ins")).toHaveText(["Your", "must"]);
    await expect(ai).toContainText("We believe that your … should → Your … must");
    await page.screenshot({ path: path.join(SHOTS, "ai-rewrite-01-firmer-suggested.png") });
    await ai.getByRole("button", { name: "Accept" }).click();
    await expect(ai).toHaveCount(0);
    await expect(paragraph).toContainText(FIRM);
    await expect(paragraph).not.toContainText("We believe");
  });

  await test.step("the section regenerated from the case: the added sentence goes once accepted", async () => {
    await rewrite("Regenerate section");
    await expect(ai).toBeVisible();
    // Only the sentence the case does not give is struck; the case's own words stay untouched.
    await expect(paragraph.locator("del")).toHaveText([FIRM]);
    await expect(paragraph.locator("ins")).toHaveCount(0);
    await ai.getByRole("button", { name: "Accept" }).click();
    await expect(ai).toHaveCount(0);
    await expect(paragraph).not.toContainText(FIRM);
    await expect(paragraph).toContainText("owed");
  });
});
