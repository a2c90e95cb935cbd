// What OCR confuses, folded together for comparing quotes with OCR text: a letter read for a
// digit that looks like it (O for 0, l or I for 1, S for 5, B for 8, Z for 2) and the reverse.
// Digits are never folded into other digits, so a different amount never compares equal.
const CONFUSABLE: Record<string, string> = {
  o: "0",
  l: "1",
  i: "1",
  "|": "1",
  "!": "1",
  s: "5",
  b: "8",
  z: "2",
};

/** Lower-cased text with each confusable letter replaced by the digit it is mistaken for. */
export function foldOcrConfusions(text: string): string {
  return text.toLowerCase().replace(/[olisbz|!]/g, (c) => CONFUSABLE[c] ?? c);
}
