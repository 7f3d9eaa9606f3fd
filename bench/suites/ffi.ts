// wirecore/ffi beside the JavaScript hello it must keep up with: the C hello
// called inline (on the event loop) and pooled (on the pool threads), against
// bench/hello.ts on the same runtime. Goals: inline ≥ 0.9×, pooled ≥ 0.5× the JS hello.
import { SCENARIOS, type Scenario, type Target } from '../load.js';
import { benchFile } from '../procs.js';

export const title = 'wirecore/ffi: C hello, inline and pooled, beside the JS hello';

export const scenarios: Scenario[] = SCENARIOS.filter((s) => s.id === 'plaintext' || s.id === 'pipelined');

const RUNTIMES = ['net', 'uws'] as const;
const scenarioIds = scenarios.map((s) => s.id);
const inline = (runtime: string) => `C hello, ffi inline (${runtime})`;
const pooled = (runtime: string) => `C hello, ffi pooled (${runtime})`;
const js = (runtime: string) => `JS hello (${runtime})`;

// uWS closes a connection whose pipelined request arrives while an earlier answer is
// pending (parity/divergences.ts: async-pipelining), which every pooled answer is.
const pooledScenarios = (runtime: string) => (runtime === 'uws' ? ['plaintext'] : scenarioIds);

export const targets: Target[] = RUNTIMES.flatMap((runtime) => [
  { id: inline(runtime), script: benchFile('./servers/ffi-hello.js'), args: [runtime, 'inline'], scenarios: scenarioIds },
  { id: pooled(runtime), script: benchFile('./servers/ffi-hello.js'), args: [runtime, 'pooled'], scenarios: pooledScenarios(runtime) },
  { id: js(runtime), script: benchFile('./hello.js'), args: [runtime], scenarios: scenarioIds },
]);

export const goals: Array<{ name: string; scenario: string; a: string; b: string; goal: number }> = RUNTIMES.flatMap((runtime) => [
  { name: `ffi inline ÷ JS hello, keep-alive (${runtime})`, scenario: 'plaintext', a: inline(runtime), b: js(runtime), goal: 0.9 },
  { name: `ffi pooled ÷ JS hello, keep-alive (${runtime})`, scenario: 'plaintext', a: pooled(runtime), b: js(runtime), goal: 0.5 },
]);

export default { title, scenarios, targets, goals };
