// PROXY protocol v2 beside plain keep-alive, on each runtime: the same hello
// with and without proxyProtocol, measured by the same small client
// (bench/clients/proxy-load.ts; wrk cannot send a header once per
// connection). Goal: with PROXY v2 ≥ 0.95× without it.
import type { Scenario, Target } from '../load.js';
import { benchFile } from '../procs.js';

export const title = 'PROXY protocol v2: plaintext behind a balancer, beside plain';

const client = (proxy: 'v2' | 'none') => ({ script: 'proxy-load.js', args: [proxy] });

export const scenarios: Scenario[] = [
  { id: 'plaintext-plain-client', title: 'GET /, 64 keep-alive connections (small client, no PROXY header)', path: '/', connections: 64, client: client('none') },
  { id: 'plaintext-proxy-v2', title: 'GET /, 64 keep-alive connections, each opened with a PROXY v2 header', path: '/', connections: 64, client: client('v2') },
];

const RUNTIMES = ['net', 'uws', 'node-http'] as const;
const plain = (runtime: string) => `wirecore ${runtime}`;
const behind = (runtime: string) => `wirecore ${runtime}, proxyProtocol`;

export const targets: Target[] = RUNTIMES.flatMap((runtime) => [
  { id: plain(runtime), script: benchFile('./hello.js'), args: [runtime], scenarios: ['plaintext-plain-client'] },
  { id: behind(runtime), script: benchFile('./hello.js'), args: [runtime, 'proxy-protocol'], scenarios: ['plaintext-proxy-v2'] },
]);

export const goals: Array<{ name: string; scenario: string; a: string; b: string; scenarioB: string; goal: number }> = RUNTIMES.map((runtime) => ({
  name: `plaintext with PROXY v2 ÷ without (${runtime})`,
  scenario: 'plaintext-proxy-v2',
  a: behind(runtime),
  b: plain(runtime),
  scenarioB: 'plaintext-plain-client',
  goal: 0.95,
}));

export default { title, scenarios, targets, goals };
