// The app suite: wirecore/app beside the peer a user would pick (Fastify 5),
// a bare wirecore dispatch doing the same work by hand, and Hono on
// @hono/node-server, on three routes (see bench/servers/app-routes.ts).
import { benchFile } from '../procs.js';
import type { Scenario, Target } from '../load.js';
import { NEW_USER_1K } from '../servers/app-routes.js';

const APP_NET = 'wirecore/app net';
const APP_UWS = 'wirecore/app uws';
const FASTIFY = 'Fastify 5 on node:http';
const BARE = 'bare wirecore dispatch, net';
const HONO = 'Hono on @hono/node-server';

const scenarios: Scenario[] = [
  { id: 'app-hello', title: 'GET /hello (JSON), 64 connections', path: '/hello', connections: 64 },
  { id: 'app-user', title: 'GET /users/:id with params and response schemas, 64 connections', path: '/users/42', connections: 64 },
  { id: 'app-create', title: 'POST /users, 1 KiB JSON body validated by schema, 64 connections', path: '/users', connections: 64, script: 'app-create-user.lua', method: 'POST', body: NEW_USER_1K, headers: { 'content-type': 'application/json' } },
];

const targets: Target[] = [
  { id: APP_NET, script: benchFile('./servers/app.js'), args: ['net'] },
  { id: APP_UWS, script: benchFile('./servers/app.js'), args: ['uws'] },
  { id: FASTIFY, script: benchFile('./servers/fastify-app.js'), args: [] },
  { id: BARE, script: benchFile('./servers/app-bare.js'), args: ['net'] },
  { id: HONO, script: benchFile('./servers/hono-node-app.js'), args: [] },
].map((t) => ({ ...t, scenarios: scenarios.map((s) => s.id) }));

export const suite = {
  title: 'wirecore/app',
  scenarios,
  targets,
  goals: [
    ...scenarios.map((s) => ({ name: `app on net ÷ Fastify, ${s.id}`, scenario: s.id, a: APP_NET, b: FASTIFY, goal: 1.5 })),
    // "Costs at most 10% over the bare dispatch": app ÷ bare ≥ 1 / 1.1.
    ...scenarios.map((s) => ({ name: `app on net ÷ bare dispatch, ${s.id}`, scenario: s.id, a: APP_NET, b: BARE, goal: 0.91 })),
  ],
};

export default suite;
