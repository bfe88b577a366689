import { describe, expect, it } from 'vitest';
import { fuzzCorpus } from '../support/corpus.ts';
import { runFuzz } from '../support/fuzz.ts';

describe('WBXML decoder fuzzing', () => {
  it('lets only typed errors escape from 100,000 mutated documents, and re-encodes what it accepts', () => {
    const corpus = fuzzCorpus();
    const stats = runFuzz(corpus, 20261124, 100_000);
    expect(stats.runs).toBe(100_000);
    // The mutations must exercise both paths, or the run proves nothing.
    expect(stats.rejected).toBeGreaterThan(10_000);
    expect(stats.decoded).toBeGreaterThan(1_000);
    expect(stats.reencoded).toBeGreaterThan(500);
  }, 300_000);
});
