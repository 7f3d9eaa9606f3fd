// wirecore/ffi beside the JavaScript hello it must keep up with: the C hello
// called inline (on the event loop) and pooled (on the pool threads), against
// bench/hello.ts on the same runtime. Goals: inline ≥ 0.9×, pooled ≥ 0.5× the JS hello;
// and the inline hello on one connection while the pool is kept busy with 50 ms calls
// (the figures test/ffi-pool.test.ts no longer times): ≥ 0.8× an idle pool, p99 ≤ 5 ms.
import { SCENARIOS, type Scenario, type Target } from '../load.js';
import { benchFile } from '../procs.js';
import type { Goal } from '../suites.js';

export const title = 'wirecore/ffi: C hello, inline and pooled, beside the JS hello';

const BUSY_POOL: Scenario = {
  id: 'ffi-busy-pool',
  title: 'wirecore/ffi: GET / (C hello, inline) on 1 connection while 4 clients keep a 2-thread pool busy with 50 ms calls',
  path: '/',
  connections: 1,
};

export const scenarios: Scenario[] = [...SCENARIOS.filter((s) => s.id === 'plaintext' || s.id === 'pipelined'), BUSY_POOL];

const RUNTIMES = ['net', 'uws'] as const;
const scenarioIds = scenarios.filter((s) => s !== BUSY_POOL).map((s) => s.id);
const inline = (runtime: string) => `C hello, ffi inline (${runtime})`;
const pooled = (runtime: string) => `C hello, ffi pooled (${runtime})`;
const js = (runtime: string) => `JS hello (${runtime})`;
const besideBusyPool = (runtime: string) => `C hello, ffi inline beside a busy pool (${runtime})`;

// uWS closes a connection whose pipelined request arrives while an earlier answer is
// pending (parity/divergences.ts: async-pipelining), which every pooled answer is.
const pooledScenarios = (runtime: string) => (runtime === 'uws' ? ['plaintext'] : scenarioIds);

export const targets: Target[] = RUNTIMES.flatMap((runtime) => [
  { id: inline(runtime), script: benchFile('./servers/ffi-hello.js'), args: [runtime, 'inline'], scenarios: [...scenarioIds, BUSY_POOL.id] },
  { id: besideBusyPool(runtime), script: benchFile('./servers/ffi-hello.js'), args: [runtime, 'busy-pool'], scenarios: [BUSY_POOL.id] },
  { id: pooled(runtime), script: benchFile('./servers/ffi-hello.js'), args: [runtime, 'pooled'], scenarios: pooledScenarios(runtime) },
  { id: js(runtime), script: benchFile('./hello.js'), args: [runtime], scenarios: scenarioIds },
]);

export const goals: Goal[] = RUNTIMES.flatMap((runtime) => [
  { name: `ffi inline ÷ JS hello, keep-alive (${runtime})`, scenario: 'plaintext', a: inline(runtime), b: js(runtime), goal: 0.9 },
  { name: `ffi pooled ÷ JS hello, keep-alive (${runtime})`, scenario: 'plaintext', a: pooled(runtime), b: js(runtime), goal: 0.5 },
  // The fast route is not queued behind the pool (test/ffi-pool.test.ts shows the order; these are the figures).
  { name: `ffi inline beside a busy pool ÷ with an idle pool, 1 connection (${runtime})`, scenario: BUSY_POOL.id, a: besideBusyPool(runtime), b: inline(runtime), goal: 0.8 },
  { name: `ffi inline beside a busy pool: p99 on 1 connection (${runtime})`, scenario: BUSY_POOL.id, a: besideBusyPool(runtime), p99Ms: 5 },
]);

export default { title, scenarios, targets, goals };
