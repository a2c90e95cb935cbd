import { describe, expect, it } from "vitest";
import { strongRegisterInput as registerInput } from "../password-strength.ts";
import { templateVariablesIn, unknownTemplateVariables } from "../templates/variables.ts";
import { cleanText, xmlSafe } from "./common.ts";
import { createTemplateInput } from "./templates.ts";

describe("cleanText", () => {
  it("trims and drops control characters, keeping newlines only in multiline text", () => {
    expect(cleanText(50).parse("  Rivera\u0000 v.\u0007 Acme\n ")).toBe("Rivera v. Acme");
    expect(cleanText(50, { multiline: true }).parse("Dana Harper\nAttorney\t\u0000")).toBe(
      "Dana Harper\nAttorney",
    );
  });

  it("drops what XML forbids (U+FFFE, U+FFFF, unpaired surrogates), so a .docx built from it opens", () => {
    expect(cleanText(50).parse("Rivera\uFFFE v.\uFFFF Acme\uD800")).toBe("Rivera v. Acme");
    expect(cleanText(50, { multiline: true }).parse("Line one\n\uDC00Line two\uFFFF")).toBe(
      "Line one\nLine two",
    );
    // A paired surrogate (an emoji) is a character, and stays.
    expect(cleanText(50).parse("Acme \u{1F600}")).toBe("Acme \u{1F600}");
    expect(xmlSafe("a\u0001b\uFFFEc\uD83Dd\u{1F600}\te")).toBe("abcd\u{1F600}\te");
  });

  it("enforces the bound after cleaning", () => {
    expect(cleanText(5).safeParse("abcdef").success).toBe(false);
    expect(cleanText(5).safeParse("  abc  ").success).toBe(true);
  });
});

describe("template variables", () => {
  it("lists variables in order of first use, tolerating spaces inside braces", () => {
    expect(templateVariablesIn("{{ client.name }} {{today}} {{client.name}}")).toEqual([
      "client.name",
      "today",
    ]);
  });

  it("names the unknown ones", () => {
    expect(unknownTemplateVariables("{{client.name}} {{client.nmae}} {{}}")).toEqual(["client.nmae", ""]);
    const result = createTemplateInput.safeParse({ name: "T", body: "Dear {{insurer.adjustr}}" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Unknown template variable: {{insurer.adjustr}}");
  });
});

describe("registration", () => {
  const base = { email: "dana.harper@firm.test", name: "Dana", firmName: "Harper" };

  it("accepts a decent password and lower-cases the email", () => {
    const parsed = registerInput.parse({
      ...base,
      email: "Dana.Harper@Firm.test",
      password: "orchid-lantern-42",
    });
    expect(parsed.email).toBe("dana.harper@firm.test");
  });

  it("refuses short, breached-looking, repetitive and email-derived passwords", () => {
    for (const password of [
      "short",
      "password123",
      "aaaaaaaaaaaa",
      "dana.harper@firm.test",
      "xxdana.harperxx",
    ]) {
      expect(registerInput.safeParse({ ...base, password }).success, password).toBe(false);
    }
  });

  it("refuses guessable passwords a short deny-list let through, and says how to do better", () => {
    // Each of these is 10+ characters and passed the old list of twelve breached passwords.
    for (const password of [
      "Password2024!",
      "qwertyuiop123",
      "1q2w3e4r5t6y",
      "monkey123456",
      "abcdefgh1234",
    ]) {
      const result = registerInput.safeParse({ ...base, password });
      expect(result.success, password).toBe(false);
      const message = result.error?.issues.find((i) => i.path[0] === "password")?.message ?? "";
      expect(message, password).toMatch(/^This password is too easy to guess\. .*\w/);
    }
    // Long, uncommon passphrases pass.
    for (const password of ["correct horse battery staple", "orchid-lantern-42-quill"]) {
      expect(registerInput.safeParse({ ...base, password }).success, password).toBe(true);
    }
  });
});
