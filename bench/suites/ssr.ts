// wirecore/ssr load rows: a page with a 100-item list rendered and streamed
// per request, and the same page prerendered into the static cache. Time to
// first byte under a 50 ms load() is measured by bench/ssr-ttfb.ts.
import type { Scenario, Target } from '../load.js';
import { benchFile } from '../procs.js';

const scenarios: Scenario[] = [
  { id: 'ssr-streamed', title: 'SSR: 100-item list rendered and streamed per request (14.7 KB), 64 connections', path: '/list', connections: 64 },
  { id: 'ssr-prerendered', title: 'SSR: the same page prerendered, from the static cache, 64 connections', path: '/prerendered', connections: 64 },
];

const SSR_NET = 'wirecore/ssr net';
const PREACT_NODE = 'Preact on node:http (same components, streamed)';
const BYTES_NODE = 'node:http sending the same bytes';

const targets: Target[] = [
  { id: SSR_NET, script: benchFile('./servers/ssr.js'), args: ['net'] },
  { id: 'wirecore/ssr uws', script: benchFile('./servers/ssr.js'), args: ['uws'] },
  { id: PREACT_NODE, script: benchFile('./servers/ssr-node-http.js'), args: [], baseline: 'node', scenarios: ['ssr-streamed'] },
  { id: 'Hono JSX on @hono/node-server', script: benchFile('./servers/ssr-hono.js'), args: [], scenarios: ['ssr-streamed'] },
  { id: BYTES_NODE, script: benchFile('./servers/ssr-node-http.js'), args: [], baseline: 'node', scenarios: ['ssr-prerendered'] },
];

export const ssrSuite = {
  title: 'wirecore/ssr',
  scenarios,
  targets,
  goals: [
    { name: 'streamed page ≥ 1.2× the same renderer on node:http', scenario: 'ssr-streamed', a: SSR_NET, b: PREACT_NODE, goal: 1.2 },
    { name: 'prerendered page ≥ 1.9× node:http sending the same bytes', scenario: 'ssr-prerendered', a: SSR_NET, b: BYTES_NODE, goal: 1.9 },
  ],
};

export default ssrSuite;
