// A firm admin invites a colleague, who joins the firm through the mailed link; the admin changes
// their role and removes them, which signs them out at once.
import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { PASSWORD } from "./steps.ts";

test("an admin invites a colleague into the firm, changes their role and removes them", async ({
  page,
  browser,
}) => {
  // The stack started from the development seed (POST /dev/seed): the demo firm and its admin.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();

  await page.getByRole("link", { name: "Firm settings" }).click();
  // Mention emails: turned off, saved as ticked (still off after a reload), then on again.
  const mentionEmails = page
    .getByRole("region", { name: "Notifications" })
    .getByLabel("Email me when someone @mentions me in a comment");
  await expect(mentionEmails).toBeChecked();
  await mentionEmails.uncheck();
  await expect(mentionEmails).toBeEnabled();
  await page.reload();
  await expect(mentionEmails).not.toBeChecked();
  await mentionEmails.check();
  await expect(mentionEmails).toBeEnabled();
  await expect(mentionEmails).toBeChecked();

  const invite = page.getByRole("form", { name: "Invite a member" });
  const email = `paralegal-${Date.now().toString(36)}@harperlane.example`;
  await invite.getByLabel("Invite by email").fill(email);
  await invite.getByLabel("Role").selectOption("paralegal");
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();

  // The colleague, in a browser of their own, opens the mailed link and creates their account.
  const mailbox = await page.request.get(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  const { messages } = (await mailbox.json()) as { messages: Array<{ subject: string; links: string[] }> };
  const link = new URL(messages.find((m) => m.subject.includes("invited you to join"))?.links[0] ?? "");
  const theirs = await browser.newContext();
  const colleague = await theirs.newPage();
  await colleague.goto(`${link.pathname}${link.search}`);
  await expect(colleague.getByRole("heading", { name: "Join Harper & Lane Injury Law" })).toBeVisible();
  await colleague.getByLabel("Your name").fill("Pat Okafor");
  await colleague.getByLabel("Password").fill(PASSWORD);
  await colleague.getByRole("button", { name: "Create account and join" }).click();
  await expect(colleague.getByRole("heading", { name: "Cases" })).toBeVisible();

  // The admin sees them as a paralegal, makes them an attorney, then removes them.
  await page.reload();
  const members = page.getByRole("list", { name: "Members" });
  const role = members.getByLabel("Role of Pat Okafor");
  await expect(role).toHaveValue("paralegal");
  await role.selectOption("attorney");
  await expect(role).toHaveValue("attorney");
  page.once("dialog", (dialog) => void dialog.accept());
  await members.getByRole("button", { name: "Remove Pat Okafor" }).click();
  await expect(members.getByText("Pat Okafor")).toHaveCount(0);

  // Signed out at once: their next page load asks them to sign in.
  await colleague.reload();
  await expect(colleague.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await theirs.close();
});
