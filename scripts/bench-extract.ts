// `npm run bench:extract`: the local extractor over the extraction corpus (scripts/fixtures/
// corpus), per layout and overall: key-fact recall, bill-line recall, ledger exactness per
// provider (cents), wage-loss and future-care exactness, profile fields proposed.
//
//   npm run bench:extract                 # dev and held-out sets
//   npm run bench:extract -- --set dev    # one set
//   npm run bench:extract -- --misses     # list what was missed
//   npm run bench:extract -- --set unseen # the generalization set (not part of "all")
import { extractFactsLocally } from "@steno/reader";
import { evaluate, report } from "./fixtures/corpus/evaluate.ts";
import { type CorpusSet, loadCorpus } from "./fixtures/corpus/index.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const misses = process.argv.includes("--misses");
const known: CorpusSet[] = ["dev", "held-out", "fresh", "unseen", "all"];
const chosen = arg("--set");
if (chosen && !known.includes(chosen as CorpusSet)) {
  console.error(`unknown --set ${chosen}; one of ${known.join(", ")}`);
  process.exit(2);
}
const sets: CorpusSet[] = chosen ? [chosen as CorpusSet] : ["dev", "held-out"];

for (const set of sets) {
  const cases = await loadCorpus(set);
  const started = performance.now();
  const evaluation = await evaluate(cases, (pages, filename) => extractFactsLocally(pages, { filename }));
  const documents = cases.reduce((n, c) => n + c.documents.length, 0);
  console.log(report(`${set}: ${cases.length} cases, ${documents} documents`, evaluation, { misses }));
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s, including reading the PDFs)`);
}
