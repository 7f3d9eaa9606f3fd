// The app-production suite: wirecore/app's security and compression beside
// Fastify 5 with @fastify/jwt and @fastify/compress doing the same work, in
// the same run: a JWT-protected route, and a ~9 KiB JSON answer gzipped.
import { benchFile } from '../procs.js';
import type { Scenario, Target } from '../load.js';

const APP_NET = 'wirecore/app net';
const APP_UWS = 'wirecore/app uws';
const FASTIFY = 'Fastify 5 + @fastify/jwt + @fastify/compress';

const scenarios: Scenario[] = [
  { id: 'app-jwt', title: 'GET /secure with an HS256 bearer JWT (scope checked), 64 connections', path: '/secure', connections: 64, script: 'app-jwt.lua' },
  { id: 'app-gzip', title: 'GET /catalog, ~9 KiB JSON gzipped by Accept-Encoding, 64 connections', path: '/catalog', connections: 64, script: 'app-gzip.lua' },
];

const targets: Target[] = [
  { id: APP_NET, script: benchFile('./servers/app-production.js'), args: ['net'] },
  { id: APP_UWS, script: benchFile('./servers/app-production.js'), args: ['uws'] },
  { id: FASTIFY, script: benchFile('./servers/fastify-production.js'), args: [] },
].map((t) => ({ ...t, scenarios: scenarios.map((s) => s.id) }));

export const suite = {
  title: 'wirecore/app in production: JWT and compression',
  scenarios,
  targets,
  // The gzip row is bound by zlib on both sides: it keeps its row, without a goal.
  goals: scenarios.filter((s) => s.id !== 'app-gzip').map((s) => ({ name: `app on net ÷ Fastify, ${s.id}`, scenario: s.id, a: APP_NET, b: FASTIFY, goal: 1.5 })),
};

export default suite;
