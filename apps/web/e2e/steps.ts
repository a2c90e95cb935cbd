// Steps more than one browser test takes: signing up (with the email confirmed through the
// development mailbox) and confirming the fixture case's parties so only what a test is about
// stands between the case and its letter.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";

export const PASSWORD = "orchid-lantern-42-quill";

export async function register(page: Page, who: { name: string; firm: string; email: string }) {
  await page.goto("/register");
  await page.getByLabel("Your name").fill(who.name);
  await page.getByLabel("Firm name").fill(who.firm);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();
  // Signed in but unverified until the link from the development mailbox is opened.
  await expect(page.getByTestId("verify-email-banner")).toBeVisible();
  const mailbox = await page.request.get(`/dev/mailbox?to=${encodeURIComponent(who.email)}`);
  const { messages } = (await mailbox.json()) as { messages: Array<{ subject: string; links: string[] }> };
  const link = new URL(messages.find((m) => m.subject.startsWith("Confirm your email"))?.links[0] ?? "");
  await page.goto(`${link.pathname}${link.search}`);
  await expect(page.getByText(/is confirmed/)).toBeVisible();
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();
  await expect(page.getByTestId("verify-email-banner")).toHaveCount(0);
}

/** A new case of the fixture's client and date of loss; opens its workspace. */
export async function createCase(page: Page, title: string) {
  await page.getByRole("button", { name: "New case" }).click();
  const dialog = page.getByRole("dialog", { name: "New case" });
  await dialog.getByLabel("Case title").fill(title);
  await dialog.getByLabel("Client name").fill("Maria L. Rivera");
  await dialog.getByLabel("Incident date").fill("2026-03-14");
  await dialog.getByRole("button", { name: "Create case" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
}

/** Confirms the fixture case's carrier, claim and policy numbers and location as read; enters the insured. */
export async function confirmProfile(page: Page) {
  await page.getByRole("tab", { name: "Case profile" }).click();
  const profile = page.getByRole("tabpanel", { name: "Case profile" });
  // The records propose these (police report, insurer's letter); the attorney confirms each.
  for (const label of ["At-fault carrier (addressee)", "Claim number", "Policy number", "Location"]) {
    const escaped = label.replace(/[()]/g, "\\$&");
    await profile
      .getByRole("button", { name: new RegExp(`^Confirm ${escaped}: `) })
      .first()
      .click();
    await expect(profile.getByRole("button", { name: `Clear ${label}` })).toBeVisible();
  }
  // Nothing proposes the insured: typed in.
  await profile.getByRole("button", { name: /^Enter (a|another) value for Insured$/ }).click();
  await profile.getByLabel("Insured", { exact: true }).fill("Lincoln Parcel Express LLC");
  await profile.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(profile.getByRole("button", { name: "Clear Insured" })).toBeVisible();
}

/** No adjuster yet: the readiness item dismissed with a reason (the letter addresses "Claims Adjuster"). */
export async function dismissAdjuster(page: Page, reason = "No adjuster assigned yet") {
  const adjuster = page
    .getByTestId("readiness")
    .getByTestId("readiness-item")
    .filter({ hasText: "Adjuster is not confirmed" });
  await adjuster.getByRole("button", { name: "Dismiss…" }).click();
  await adjuster.getByLabel("Reason for dismissing").fill(reason);
  await adjuster.getByRole("button", { name: "Dismiss", exact: true }).click();
  await expect(adjuster).toHaveCount(0);
}

/** The fixture case's parties confirmed, so only what a test is about stands before its letter. */
export async function confirmParties(page: Page) {
  await confirmProfile(page);
  await dismissAdjuster(page);
}

/** The text of word/document.xml: paragraphs on their own lines, tags and entities gone. */
export function docxText(bytes: Uint8Array): string {
  const xml = strFromU8(unzipSync(bytes)["word/document.xml"] ?? new Uint8Array());
  return xml
    .replace(/<w:tab\/>/g, "\t")
    .replace(/<\/w:p>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** axe-core on the page as it stands: no serious or critical violation, each named with where it is. */
export async function expectAccessible(page: Page, screen: string, only?: string) {
  const builder = new AxeBuilder({ page });
  // Part of a page already checked whole (a tab's panel): less to analyse on a busy machine.
  if (only) builder.include(only);
  const { violations } = await builder.analyze();
  const blocking = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${screen}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  // Soft: one run names the violations of every screen, not only the first.
  expect.soft(blocking).toEqual([]);
}
