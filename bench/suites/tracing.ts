// options.tracing beside the same server without it: plaintext on net and
// uws with tracing on and no SDK registered (the API's no-op: the cost a
// library user pays for wirecore being instrumented), and with the SDK's
// BatchSpanProcessor and a no-op exporter (what a traced service pays).
// Goals: API-only ≥ 0.97× plain (issue 22); the SDK's cost is stated, its
// goal only a floor that catches a regression.
import { SCENARIOS, type Scenario, type Target } from '../load.js';
import { benchFile } from '../procs.js';

export const title = 'OpenTelemetry: plaintext with tracing, API only and with the SDK, beside plain';

export const scenarios: Scenario[] = SCENARIOS.filter((s) => s.id === 'plaintext');

const RUNTIMES = ['net', 'uws'] as const;
const plain = (runtime: string) => `hello, no tracing (${runtime})`;
const api = (runtime: string) => `hello, tracing API only (${runtime})`;
const sdk = (runtime: string) => `hello, tracing SDK batch, no-op export (${runtime})`;

export const targets: Target[] = RUNTIMES.flatMap((runtime) => [
  { id: plain(runtime), script: benchFile('./hello.js'), args: [runtime], scenarios: ['plaintext'] },
  { id: api(runtime), script: benchFile('./hello.js'), args: [runtime, 'api'], scenarios: ['plaintext'] },
  { id: sdk(runtime), script: benchFile('./hello.js'), args: [runtime, 'sdk'], scenarios: ['plaintext'] },
]);

export const goals: Array<{ name: string; scenario: string; a: string; b: string; goal: number }> = RUNTIMES.flatMap((runtime) => [
  { name: `tracing on, no SDK registered ÷ no tracing, keep-alive (${runtime})`, scenario: 'plaintext', a: api(runtime), b: plain(runtime), goal: 0.97 },
  { name: `tracing with the SDK's batch processor ÷ no tracing, keep-alive (${runtime}; the cost, stated)`, scenario: 'plaintext', a: sdk(runtime), b: plain(runtime), goal: 0.5 },
]);

export default { title, scenarios, targets, goals };
