// Mutated requests on every runtime (parity/fuzz.ts, seeded): the server
// survives, answers validly or closes, closes every socket within its
// timeouts, and still answers a valid request. `npm run fuzz` runs more.
import { describe, expect, it } from 'vitest';
import { supports } from '../parity/divergences.js';
import { fuzzRuntime } from '../parity/fuzz.js';
import { RUNTIMES } from './helpers/servers.js';

describe.each(RUNTIMES)('fuzzing %s', (runtime) => {
  it('survives 300 mutated requests with valid answers or closes, and answers afterwards', async () => {
    const report = await fuzzRuntime(runtime, { runs: 300, seed: 42, concurrency: 24 });
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(300);
    expect(report.healthyAfter).toBe(true);
    expect(report.leftOpen).toBe(0);
    // The mutations reach past the parser: some requests are answered, some refused. uWS answers
    // neither malformed input nor requests pipelined behind an unanswered one (parity/divergences.ts).
    if (supports(runtime, 'strict-parsing')) {
      expect(report.statuses['200'] ?? 0).toBeGreaterThan(0);
      expect(report.statuses['400'] ?? 0).toBeGreaterThan(0);
      expect(report.closedByServer).toBe(300);
    }
  }, 60_000);
});
