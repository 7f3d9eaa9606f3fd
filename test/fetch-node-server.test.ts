// Side by side: the same Hono app (parity/hono-compare/app.ts) on
// @hono/node-server, as its users run it (its own process, its own global
// Response), and on wirecore/fetch on every runtime. The same raw requests
// go to both; status, headers and bodies must match, except what is
// normalized (Date; Connection and Keep-Alive, which node:http adds; uWS's
// "uWebSockets" field) and the differences kept on purpose listed in KEPT,
// each with its reason in adapters/fetch/README.md. Needs the build (npm test).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeName, Server } from 'wirecore';
import { serveFetch } from 'wirecore/fetch';
import { makeCompareApp } from '../parity/hono-compare/app.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

const root = mkdtempSync(join(tmpdir(), 'wirecore-compare-'));
mkdirSync(join(root, 'static'));
writeFileSync(join(root, 'static', 'file.txt'), 'static file contents\n');

const NODE_SERVER = fileURLToPath(new URL('../dist/parity/hono-compare/serve-node.js', import.meta.url));
const NORMALIZED = new Set(['date', 'connection', 'keep-alive', 'uwebsockets']);

/** [method, path, extra header lines, body] */
type Sent = [string, string, string?, string?];

const REQUESTS: Sent[] = [
  ['GET', '/text'],
  ['HEAD', '/text'],
  ['GET', '/text-201'],
  ['GET', '/text-header'],
  ['GET', '/json'],
  ['HEAD', '/json'],
  ['GET', '/html'],
  ['GET', '/bytes'],
  ['GET', '/bytes-typed'],
  ['GET', '/arraybuffer'],
  ['GET', '/blob'],
  ['GET', '/form'],
  ['GET', '/null'],
  ['HEAD', '/null'],
  ['GET', '/no-content'],
  ['GET', '/redirect'],
  ['GET', '/cookies'],
  ['GET', '/stream-ready'],
  ['GET', '/stream-spaced'],
  ['HEAD', '/stream-spaced'],
  ['GET', '/stream-length'],
  ['HEAD', '/stream-length'],
  ['GET', '/stream-helper'],
  ['GET', '/sse'],
  ['GET', '/sized'],
  ['HEAD', '/sized'],
  ['GET', '/etag/text'],
  ['GET', '/etag/text', 'If-None-Match: "7c3d5163b89d71e9813b68219d97064c4ae9c2f3"\r\n'],
  ['HEAD', '/etag/text'],
  ['GET', '/static/file.txt'],
  ['HEAD', '/static/file.txt'],
  ['GET', '/static/file.txt', 'Range: bytes=2-7\r\n'],
  ['GET', '/static/file.txt', 'Range: bytes=100-\r\n'],
  ['POST', '/empty-body', 'Content-Length: 0\r\n'],
  ['POST', '/empty-body'],
  ['POST', '/empty-body', 'Content-Length: 3\r\n', 'abc'],
  ['PURGE', '/cache'],
  ['GET', '/missing'],
  ['HEAD', '/missing'],
];

type PerRuntime = string | null | Partial<Record<RuntimeName, string | null>>;
/** A header field whose value differs on purpose: [on @hono/node-server, on wirecore/fetch]; null is absent. */
type Kept = Record<string, [string | null, PerRuntime]>;

const SPACED = 'text/plain; charset=UTF-8';
const STANDARD = 'text/plain;charset=UTF-8';
/** Content-Type: the fetch standard's for `new Response(string)` (c.text() without status or headers), where node-server writes its own spelling. */
const TEXT_TYPE: Kept = { 'content-type': [SPACED, STANDARD] };
/** Content-Type: node-server labels a body the Response gives no type as text/plain (a Blob's own type too); wirecore sends the Response's. */
const UNTYPED = (wirecore: string | null): Kept => ({ 'content-type': [SPACED, wirecore] });
/** HEAD states the length of the GET answer it was made from; node-server sends none. */
const HEAD_LENGTH = (length: number): Kept => ({ 'content-length': [null, String(length)] });
/** An empty body goes out with Content-Length: 0; node-server sends an empty chunked body. */
const EMPTY: Kept = { 'content-length': [null, '0'], 'transfer-encoding': ['chunked', null] };
/** HEAD of an answer whose length nobody knows: the net runtime announces chunked framing (the writer's), others nothing. */
const HEAD_UNKNOWN: Kept = { 'transfer-encoding': [null, { net: 'chunked', uws: null, 'node-http': null }] };

const KEPT: Record<string, Kept> = {
  'GET /text': TEXT_TYPE,
  'HEAD /text': { ...TEXT_TYPE, ...HEAD_LENGTH(5) },
  'HEAD /json': HEAD_LENGTH(23),
  'GET /bytes': UNTYPED(null),
  'GET /arraybuffer': UNTYPED(null),
  'GET /blob': UNTYPED('image/png'),
  'GET /null': EMPTY,
  'HEAD /null': HEAD_LENGTH(0),
  'GET /redirect': EMPTY,
  'GET /stream-ready': UNTYPED(null),
  'HEAD /stream-spaced': HEAD_UNKNOWN,
  'GET /stream-helper': UNTYPED(null),
  'GET /etag/text': TEXT_TYPE,
  'HEAD /etag/text': { ...TEXT_TYPE, ...HEAD_LENGTH(9) },
  'GET /static/file.txt Range: bytes=100-': EMPTY,
  'POST /empty-body Content-Length: 0': TEXT_TYPE,
  'POST /empty-body': TEXT_TYPE,
  'POST /empty-body Content-Length: 3': TEXT_TYPE,
  'PURGE /cache': TEXT_TYPE,
  'HEAD /missing': HEAD_LENGTH(13),
};

interface Answer {
  status: number;
  /** Lower-case names, values in wire order per name. */
  headers: Record<string, string[]>;
  body: string;
}

function idOf([method, path, extra = '']: Sent): string {
  return `${method} ${path}${extra ? ` ${extra.trim()}` : ''}`;
}

async function send(port: number, [method, path, extra = '', body = '']: Sent): Promise<Answer | 'closed without an answer'> {
  const result = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: compare\r\n${extra}\r\n${body}`, { responses: 1, headRequests: method === 'HEAD' ? [0] : [] });
  const response = result.responses[0];
  if (response === undefined) {
    expect([result.closed, result.raw.length]).toEqual([true, 0]);
    return 'closed without an answer';
  }
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < response.headers.length; i += 2) {
    const name = response.headers[i]!.toLowerCase();
    if (!NORMALIZED.has(name)) (headers[name] ??= []).push(response.headers[i + 1]!);
  }
  return { status: response.status, headers, body: response.body.toString('latin1') };
}

let nodeServer: ChildProcess;
let nodePort: number;

beforeAll(async () => {
  nodeServer = spawn(process.execPath, [NODE_SERVER, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  nodePort = await new Promise<number>((resolve, reject) => {
    let out = '';
    nodeServer.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    nodeServer.once('exit', (code) => reject(new Error(`@hono/node-server exited (code ${code}) before it was ready: ${out}`)));
  });
});

afterAll(() => {
  nodeServer?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe.each(RUNTIMES)('the same Hono app on @hono/node-server and on wirecore/fetch (%s)', (runtime) => {
  let server: Server;
  beforeAll(async () => {
    server = await serveFetch(makeCompareApp(root).fetch, { runtime, port: 0, logger: { error: () => {}, warn: () => {} } });
  });
  afterAll(() => server.close({ graceMs: 100 }));

  it.each(REQUESTS.map((sent) => [idOf(sent), sent] as const))('%s', async (id, sent) => {
    const theirs = await send(nodePort, sent);
    const ours = await send(server.port, sent);
    if (id === 'PURGE /cache' && runtime === 'uws') {
      // uWS closes on methods it does not know, before wirecore sees them (parity/divergences.ts: extension-methods).
      expect(ours).toBe('closed without an answer');
      return;
    }
    if (typeof theirs === 'string') throw new Error(`@hono/node-server did not answer ${id}`);
    const expected: Answer = { ...theirs, headers: { ...theirs.headers } };
    for (const [name, [onNode, onWirecore]] of Object.entries(KEPT[id] ?? {})) {
      // The difference is as listed on node-server's side too, so the list stays exact.
      expect(theirs.headers[name] ?? null, `${name} on @hono/node-server`).toEqual(onNode === null ? null : [onNode]);
      const value = typeof onWirecore === 'object' && onWirecore !== null ? (onWirecore[runtime] ?? null) : onWirecore;
      if (value === null) delete expected.headers[name];
      else expected.headers[name] = [value];
    }
    expect(ours).toEqual(expected);
  });
});
