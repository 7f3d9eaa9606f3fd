// The parser's fast path must agree with plain llhttp on every input: same
// codes, heads, bodies, trailers and refusals (parity/parser-differential.ts).
// `npm run fuzz:parser` runs a million.
import { describe, expect, it } from 'vitest';
import { runDifferential } from '../parity/parser-differential.js';

describe('parser fast path', () => {
  it('gives the same verdict and fields as llhttp on 20,000 generated and mutated inputs', () => {
    const report = runDifferential(20_000, 7);
    expect(report.mismatches).toEqual([]);
    expect(report.runs).toBe(20_000);
    // The comparison means something only if the fast path read many of the heads itself.
    expect(report.fastHeads).toBeGreaterThan(5_000);
  }, 120_000);
});
