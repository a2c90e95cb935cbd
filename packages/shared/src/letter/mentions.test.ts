import { describe, expect, it } from "vitest";
import { bodyParts, mentionsOf, mentionText, mentionToken, withMentionTokens } from "./mentions.ts";

const DANA = "0f8fad5b-d9cb-469f-a165-70867728950e";
const LEE = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

describe("mentions in comment bodies", () => {
  it("reads each mentioned user id once, in order, from the tokens the composer inserts", () => {
    const body = `${mentionToken({ id: DANA, name: "Dana Cruz" })} please check, and ${mentionToken({ id: LEE, name: "Lee" })}; ${mentionToken({ id: DANA, name: "Dana Cruz" })} again`;
    expect(mentionsOf(body)).toEqual([DANA, LEE]);
    expect(mentionText(body)).toBe("@Dana Cruz please check, and @Lee; @Dana Cruz again");
  });

  it("leaves a message written before mentions, or a plain @, as text with no mention", () => {
    for (const body of ["Check the bill total.", "email dana@firm.test or @Dana", "@[Dana](not-an-id)"]) {
      expect(mentionsOf(body)).toEqual([]);
      expect(mentionText(body)).toBe(body);
      expect(bodyParts(body)).toEqual([{ text: body }]);
    }
    expect(bodyParts("")).toEqual([]);
  });

  it("turns the picked people's @Names in a composer's text into tokens, the longest name first", () => {
    const dana = { id: DANA, name: "Dana" };
    const danaCruz = { id: LEE, name: "Dana Cruz" };
    const body = withMentionTokens("@Dana Cruz and @Dana, not @Robin or dana@firm.test", [
      dana,
      danaCruz,
      dana,
    ]);
    expect(body).toBe(`@[Dana Cruz](${LEE}) and @[Dana](${DANA}), not @Robin or dana@firm.test`);
    expect(mentionsOf(body)).toEqual([LEE, DANA]);
    expect(withMentionTokens("no one picked @Dana", [])).toBe("no one picked @Dana");
  });

  it("keeps a name's brackets and line breaks from breaking the token, and lower-cases the id", () => {
    const token = mentionToken({ id: DANA.toUpperCase(), name: "Dana [partner]\nCruz" });
    expect(token).toBe(`@[Dana partnerCruz](${DANA})`);
    expect(bodyParts(`Hi ${token}!`)).toEqual([
      { text: "Hi " },
      { mention: { userId: DANA, name: "Dana partnerCruz" } },
      { text: "!" },
    ]);
    expect(mentionsOf(`@[Dana](${DANA.toUpperCase()})`)).toEqual([DANA]);
  });
});
