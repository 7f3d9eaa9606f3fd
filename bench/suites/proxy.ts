// PROXY protocol v2 beside plain keep-alive, on each runtime: the same hello
// with and without proxyProtocol, measured by the same small client
// (bench/clients/proxy-load.ts; wrk cannot send a header once per
// connection). Goal: with PROXY v2 ≥ 0.95× without it.
import type { Scenario, Target } from '../load.js';
import { benchFile } from '../procs.js';

export const title = 'PROXY protocol v2: plaintext behind a balancer, beside plain';

// One table, so the two rows alternate round by round (a ratio across two tables measured minutes apart
// was mostly the machine's drift: 0.63× to 1.04× on net between two runs of the same code).
export const scenarios: Scenario[] = [
  { id: 'plaintext-proxy', title: 'GET /, 64 keep-alive connections, with and without a PROXY v2 header per connection (small client)', path: '/', connections: 64, client: { script: 'proxy-load.js', args: [] } },
];

const RUNTIMES = ['net', 'uws', 'node-http'] as const;
const plain = (runtime: string) => `wirecore ${runtime}`;
const behind = (runtime: string) => `wirecore ${runtime}, proxyProtocol`;

export const targets: Target[] = RUNTIMES.flatMap((runtime) => [
  { id: plain(runtime), script: benchFile('./hello.js'), args: [runtime], scenarios: ['plaintext-proxy'], clientArgs: ['none'] },
  { id: behind(runtime), script: benchFile('./hello.js'), args: [runtime, 'proxy-protocol'], scenarios: ['plaintext-proxy'], clientArgs: ['v2'] },
]);

export const goals: Array<{ name: string; scenario: string; a: string; b: string; goal: number }> = RUNTIMES.map((runtime) => ({
  name: `plaintext with PROXY v2 ÷ without (${runtime})`,
  scenario: 'plaintext-proxy',
  a: behind(runtime),
  b: plain(runtime),
  goal: 0.95,
}));

export default { title, scenarios, targets, goals };
