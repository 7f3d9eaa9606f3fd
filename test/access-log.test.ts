// options.accessLog: one pino-shaped line per answer, made from onResponse's
// figures, on every runtime: to a logger passed in, or as JSON on stdout.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AccessLogger, type DispatchFn } from 'wirecore';
import { inject } from 'wirecore/testing';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

interface Line {
  fields: Record<string, unknown>;
  message: string;
}

function recording(): AccessLogger & { lines: Line[] } {
  const lines: Line[] = [];
  return { lines, info: (fields, message) => void lines.push({ fields, message }) };
}

const dispatch: DispatchFn<null> = (_ctx, req, res) => {
  if (req.path.startsWith('/things/')) req.route = '/things/:id';
  return res.send({ status: req.path === '/gone' ? 410 : 200, body: 'twelve bytes' });
};

describe.each(RUNTIMES)('access log on %s', (runtime) => {
  it('writes one line per answer with its figures, and one for a refused message', async () => {
    const logger = recording();
    const seen: number[] = [];
    const server = await start(runtime, null, dispatch, { accessLog: { logger }, onResponse: (written) => void seen.push(written.status) });
    await fetch(`${server.url}/things/9?x=1`, { headers: { 'x-request-id': 'req-123' } }).then((r) => r.text());
    await fetch(`${server.url}/gone`).then((r) => r.text());
    await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    await expect.poll(() => logger.lines.length).toBe(3);
    const [thing, gone, refused] = logger.lines;
    expect(thing!.message).toBe('request completed');
    expect(thing!.fields).toMatchObject({
      method: 'GET',
      url: '/things/9?x=1',
      route: '/things/:id',
      status: 200,
      bytes: 12,
      outcome: 'complete',
      remoteAddress: '127.0.0.1',
      httpVersion: '1.1',
      requestId: 'req-123',
    });
    const durationMs = thing!.fields.durationMs as number;
    const ttfbMs = thing!.fields.ttfbMs as number;
    expect(ttfbMs).toBeGreaterThanOrEqual(0);
    expect(durationMs).toBeGreaterThanOrEqual(ttfbMs);
    expect(thing!.fields.headerBytes).toBeGreaterThan(0);
    expect(gone!.fields).toMatchObject({ url: '/gone', status: 410 });
    expect(gone!.fields.route).toBeUndefined();
    expect(gone!.fields.requestId).toBeUndefined();
    expect(refused!.message).toBe('request refused');
    expect(refused!.fields.status).toBe(400);
    expect(refused!.fields.method).toBeUndefined();
    // The user's own onResponse still sees every answer.
    expect(seen).toEqual([200, 410, 400]);
  });
});

describe('access log', () => {
  it('works on the memory runtime, and a logger that throws is logged, not fatal', async () => {
    const errors: string[] = [];
    const res = await inject(null, dispatch, { url: '/things/1' }, { accessLog: { logger: { info: () => { throw new Error('disk full'); } } }, logger: { error: (m) => void errors.push(m), warn: () => {} } });
    expect(res.status).toBe(200);
    expect(errors).toEqual(['accessLog: the logger threw']);
    const logger = recording();
    await inject(null, dispatch, { url: '/things/2' }, { accessLog: { logger } });
    expect(logger.lines[0]!.fields).toMatchObject({ url: '/things/2', route: '/things/:id', status: 200 });
  });

  it('refuses a bad option', async () => {
    await expect(start('net', null, dispatch, { accessLog: 'yes' as never })).rejects.toThrow(/options.accessLog must be true, false or an object/);
    await expect(start('net', null, dispatch, { accessLog: { logger: {} } as never })).rejects.toThrow(/options.accessLog.logger must be a pino-shaped logger/);
    await expect(start('net', null, dispatch, { accessLog: { level: 'info' } as never })).rejects.toThrow(/unknown option 'accessLog.level'/);
  });

  const built = fileURLToPath(new URL('../dist/src/index.js', import.meta.url));
  it('writes pino-format JSON lines on stdout by default (run from the build)', async () => {
    const script = `
      import { serveGeneric } from ${JSON.stringify(built)};
      const server = await serveGeneric(null, (_c, req, res) => res.send({ body: 'hi' }), { accessLog: true });
      const res = await fetch(server.url + '/hello?a=b');
      await res.text();
      await server.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 30, msg: 'request completed', method: 'GET', url: '/hello?a=b', status: 200, bytes: 2, outcome: 'complete', pid: child.pid });
    expect(typeof line.time).toBe('number');
    expect(typeof line.hostname).toBe('string');
  });

  it('crosses into worker copies as `true` (with tracing: true), each copy writing its own lines', async () => {
    const workerModule = fileURLToPath(new URL('../dist/examples/workers-app.js', import.meta.url));
    const script = `
      import http from 'node:http';
      import { serveGeneric } from ${JSON.stringify(built)};
      const server = await serveGeneric(null, () => { throw new Error('the primary never dispatches'); }, { workers: 2, workerModule: ${JSON.stringify(workerModule)}, accessLog: true, tracing: true });
      const get = () => new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: server.port, path: '/w', agent: false }, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve(JSON.parse(b).pid)); }).on('error', reject));
      const pids = new Set();
      while (pids.size < 2) pids.add(await get());
      await server.close({ graceMs: 500 });
      console.error('PIDS ' + [...pids].join(','));
    `;
    // A file, not -e: cluster copies start with the primary's execArgv.
    const dir = mkdtempSync(join(tmpdir(), 'wirecore-access-log-'));
    const file = join(dir, 'primary.mjs');
    writeFileSync(file, script);
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code, err).toBe(0);
    const pids = /PIDS (\S+)/.exec(err)![1]!.split(',').map(Number);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { pid: number; url: string; status: number });
    expect(lines.every((l) => l.url === '/w' && l.status === 200)).toBe(true);
    expect(new Set(lines.map((l) => l.pid))).toEqual(new Set(pids));
  });
});
