import { describe, expect, it } from "vitest";
import { bodyParts, mentionsOf, mentionText, mentionToken } from "./mentions.ts";

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
