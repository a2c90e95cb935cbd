// Review like a law firm (issue 16): an invited editor suggests a change and comments on the
// letter, @mentioning the owner; the owner sees both live, is told of the mention by the bell,
// accepts the suggestion and resolves the comment, and the editor sees that. A new case with no sources: the letter is all this test is about.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { createCase, register } from "./steps.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.resolve(here, "../screenshots");

test("an editor suggests and comments; the owner accepts the suggestion and resolves the comment", async ({
  page,
  browser,
}) => {
  const run = Date.now().toString(36);
  const title = `Review ${run} v. Acme`;
  const owner = { name: `Olivia Owner ${run}`, firm: "Owner & Co", email: `olivia-review-${run}@e2e.test` };
  const reviewer = { name: `Sam Review ${run}`, firm: "Ortiz Legal", email: `sam-review-${run}@e2e.test` };
  await register(page, owner);
  await createCase(page, title);
  const documentId = new URL(page.url()).pathname.split("/").pop() ?? "";
  const context = await browser.newContext();
  const other = await context.newPage();
  await register(other, reviewer);

  await test.step("the owner writes a line and invites an editor", async () => {
    const letter = page.getByRole("textbox", { name: "Letter text" });
    await expect(page.getByTestId("sync-status")).toContainText("Live");
    await letter.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(`Liability is clear in review ${run}.`);
    await page.getByRole("button", { name: "Collaborators" }).click();
    const dialog = page.getByRole("dialog", { name: "Collaborators" });
    await dialog.getByLabel("Invite by email").fill(reviewer.email);
    await dialog.getByLabel("Role", { exact: true }).selectOption({ label: "Editor" });
    await dialog.getByRole("button", { name: "Invite" }).click();
    await expect(dialog.getByText(reviewer.email, { exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
    await other.goto("/");
    await other.getByRole("button", { name: `Accept the invitation to ${title}` }).click();
    // Accepted once the case is listed: opening it before then finds no case (and cancels the call).
    await expect(other.getByRole("link", { name: title })).toBeVisible();
  });

  const letterB = other.getByRole("textbox", { name: "Letter text" });
  await test.step("the editor comments on words and suggests an addition", async () => {
    await other.goto(`/cases/${documentId}`);
    // A case just joined: its first room connection (token, Durable Object start) can be slow on 2 cores.
    await expect(other.getByTestId("sync-status")).toContainText("Live", { timeout: 45_000 });
    await expect(letterB).toContainText(`review ${run}.`, { timeout: 30_000 });
    await letterB.getByText(`Liability is clear in review ${run}.`).click();
    await other.keyboard.press("End");
    await other.keyboard.press("Shift+Home");
    await other.getByRole("button", { name: "Comment", exact: true }).click();
    const comment = other.getByLabel("New comment");
    await comment.fill("Cite the police report here. ");
    // "@" and the start of a name offer the people on the case.
    await comment.pressSequentially("@Oliv");
    await other.getByRole("option", { name: `@${owner.name}` }).click();
    await expect(comment).toHaveValue(`Cite the police report here. @${owner.name} `);
    await other.getByRole("button", { name: "Add comment" }).click();

    await other.getByRole("button", { name: "Suggest changes" }).click();
    await letterB.getByText(`Liability is clear in review ${run}.`).click();
    await other.keyboard.press("End");
    await other.keyboard.type(" The police report agrees.");
    await expect(letterB.locator("ins")).toHaveText(" The police report agrees.");
  });

  await test.step("the owner sees both, accepts the suggestion and resolves the comment", async () => {
    const letter = page.getByRole("textbox", { name: "Letter text" });
    await expect(letter.locator("ins")).toHaveText(" The police report agrees.");
    const suggestion = page.getByRole("listitem", { name: `Suggestion by ${reviewer.name}` });
    await expect(suggestion).toContainText("The police report agrees.");
    await expect(page.locator(".comment-thread")).toContainText("Cite the police report here.");
    await expect(page.locator(".comment-anchor").first()).toBeVisible();
    await expect(page.locator(".comment-thread .mention.is-me")).toHaveText(`@${owner.name}`);
    await page.screenshot({ path: path.join(SHOTS, "review-01-owner-sees-suggestion-and-comment.png") });

    // The room pushes the letter a few seconds after the comment; the bell checks when opened.
    const bell = page.getByTestId("notifications-button");
    const told = page.getByRole("button", { name: new RegExp(`${reviewer.name} mentioned you on ${title}`) });
    await expect(async () => {
      if ((await bell.getAttribute("aria-expanded")) === "true") await bell.click();
      await bell.click();
      await expect(told).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, "review-03-owner-told-of-mention.png") });
    await told.click();
    await expect(page).toHaveURL(/\?comment=/);
    await expect(page.locator(".comment-thread.is-active")).toContainText("Cite the police report here");

    await suggestion.getByRole("button", { name: "Accept" }).click();
    await expect(letter.locator("ins")).toHaveCount(0);
    await expect(letter).toContainText(`review ${run}. The police report agrees.`);
    await page.locator(".comment-thread").getByRole("button", { name: "Resolve" }).click();
    await expect(page.getByText("Resolved (1)")).toBeVisible();
  });

  await test.step("the editor sees the suggestion accepted and the comment resolved", async () => {
    await expect(letterB.locator("ins")).toHaveCount(0);
    await expect(letterB).toContainText(`review ${run}. The police report agrees.`);
    await expect(other.getByText("Resolved (1)")).toBeVisible();
    await other.screenshot({ path: path.join(SHOTS, "review-02-editor-after-review.png") });
  });
  await context.close();
});
