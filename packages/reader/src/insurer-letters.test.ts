import { describe, expect, it } from "vitest";
import { extractFactsLocally } from "./extract.ts";

const read = (lines: string[]) =>
  extractFactsLocally([{ pageNumber: 1, text: lines.join("\n") }], { filename: "liability-decision.pdf" });

const roles = (facts: ReturnType<typeof read>) =>
  facts.filter((f) => f.profileField).map((f) => `${f.profileField} = ${f.fieldValue}`);

describe("insurer letters", () => {
  it("reads the carrier from its letterhead, the adjuster from the signature and the parties from the prose", () => {
    const facts = read([
      "Golden Poppy Casualty Insurance Company\tBodily Injury Claims",
      "PO Box 4410, Sacramento, CA 95814",
      "",
      "Re:\tYour client:\tNaomi R. Whitaker",
      "Our Insured:\tThree Rivers Linen & Uniform Supply, Inc.",
      "Claim Number:\tGPC-26-118204",
      "Date of Loss:\t02/06/2026",
      "",
      "Dear Counsel:",
      "",
      "The vehicle was being driven by our insured's employee, Curtis W. Blakemore, at the time of the loss.",
      "We accept liability for this loss on behalf of our insured.",
      "Your client's own MedPay carrier, Centennial State Mutual Insurance Co., may have paid medical bills.",
      "",
      "Sincerely,",
      "",
      "Dana L. Pruitt",
      "Senior Bodily Injury Adjuster",
    ]);
    expect(roles(facts)).toEqual([
      "clientName = Naomi R. Whitaker",
      "insuredName = Three Rivers Linen & Uniform Supply, Inc.",
      "claimNumber = GPC-26-118204",
      "dateOfLoss = 2026-02-06",
      "atFaultDriver = Curtis W. Blakemore",
      "clientCarrier = Centennial State Mutual Insurance Co.",
      "adjusterName = Dana L. Pruitt",
      "atFaultCarrier = Golden Poppy Casualty Insurance Company",
    ]);
    expect(facts.find((f) => f.quote.startsWith("We accept liability"))?.category).toBe("liability");
  });

  it("takes 'X insures Y under a commercial policy' as the carrier and, for an employee's vehicle, its owner", () => {
    const facts = read([
      "Empire Keystone Mutual Insurance Company",
      "Commercial Auto Claims",
      "",
      "Claim Number:\tEKM-26-118204",
      "",
      "Empire Keystone Mutual Insurance Company insures Three Rivers Linen & Uniform Supply, Inc. under a commercial auto policy.",
      "Its driver, an employee, was making a delivery.",
    ]);
    expect(roles(facts)).toEqual([
      "claimNumber = EKM-26-118204",
      "atFaultCarrier = Empire Keystone Mutual Insurance Company",
      "vehicleOwner = Three Rivers Linen & Uniform Supply, Inc.",
    ]);
  });
  it("quotes a letterhead set in capitals over two lines as printed", () => {
    const facts = read([
      "EMPIRE KEYSTONE",
      "MUTUAL INSURANCE COMPANY",
      "Claims Department | PO Box 88, Harrisburg, PA 17101",
      "",
      "Our Insured:\tDelmont Haulers LLC",
      "Claim Number:\tEKM-26-5512",
      "",
      "Dear Counsel:",
      "We have received your letter of representation.",
    ]);
    expect(facts.find((f) => f.profileField === "atFaultCarrier")).toMatchObject({
      fieldValue: "Empire Keystone Mutual Insurance Company",
      quote: "EMPIRE KEYSTONE MUTUAL INSURANCE COMPANY",
    });
  });
});
