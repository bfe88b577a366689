/**
 * `npm run fuzz -- [--seed S] [--iterations N] [--from I]`: long fuzz runs of the WBXML
 * decoder over the fixture corpus. Prints progress; exits 1 with the replay seed on a failure.
 */
import { parseArgs } from 'node:util';
import { fuzzCorpus } from '../test/support/corpus.ts';
import { runFuzz } from '../test/support/fuzz.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    iterations: { type: 'string', default: '10000000' },
    from: { type: 'string', default: '0' },
  },
});
const seed = Number(values.seed);
const total = Number(values.iterations);
const corpus = fuzzCorpus();
const step = 100_000;
const t0 = performance.now();
for (let from = Number(values.from); from < total; from += step) {
  const stats = runFuzz(corpus, seed, Math.min(step, total - from), from);
  const rate = ((from + stats.runs) / ((performance.now() - t0) / 1000)).toFixed(0);
  process.stdout.write(`seed ${seed}: ${from + stats.runs} inputs, ${stats.decoded} decoded in the last batch, ${rate}/s\n`);
}
