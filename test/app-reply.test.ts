// wirecore/app answers over real sockets on every runtime: serialization
// with a response schema (fast-json-stringify) and without (JSON.stringify),
// strings, bytes, no content, headers, redirects, streams with backpressure,
// Node streams, and the raw ResponseWriter.
import { Readable } from 'node:stream';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApp, Type, type Written } from 'wirecore/app';
import { recordingLogger, serveApp } from './helpers/app.js';
import { rawRequest } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';

const User = Type.Object({ id: Type.Integer(), name: Type.String(), joined: Type.Optional(Type.String({ format: 'date-time' })) });

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { open, wait };
}

function makeApp() {
  const log = recordingLogger();
  const app = createApp({ logger: log });
  const written: Written[] = [];
  app.addHook('onResponse', (_c, w) => written.push(w));
  const row = { id: 7, name: 'Ada', password: 'hunter2', joined: '2024-01-02T03:04:05.000Z' };
  app.get('/with-schema', { schema: { response: { 200: User } } }, () => row);
  app.get('/without-schema', () => row);
  app.get('/text', () => 'héllo');
  app.get('/bytes', () => new Uint8Array([1, 2, 3]));
  app.get('/nothing', () => undefined);
  app.get('/accepted', (c) => c.status(202).reply(202));
  app.post('/created', { schema: { response: { 201: User } } }, (c) => c.reply(201, { id: 1, name: 'new' }));
  app.get('/headers', (c) => {
    c.header('x-one', '1').header('X-One', '2').header('set-cookie', 'a=1').header('set-cookie', 'b=2').header('content-type', 'application/vnd.test+json');
    return { ok: true };
  });
  app.get('/go', (c) => c.redirect('/text', 307));
  app.get('/generator', async function* () {
    yield 'one,';
    yield Buffer.from('two,');
    yield 'three';
  });
  app.get('/node-stream', () => Readable.from([Buffer.from('node '), Buffer.from('stream')]));
  app.get('/typed-stream', (c) => {
    c.header('content-type', 'application/x-ndjson');
    return Readable.from(['{"n":1}\n', '{"n":2}\n']);
  });
  app.get('/web-stream', () => new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('web '));
      controller.enqueue(new TextEncoder().encode('stream'));
      controller.close();
    },
  }));
  app.get('/fails-first', async function* () {
    throw new Error('before any byte');
    yield 'never';
  });
  app.get('/fails-later', async function* () {
    yield 'partial';
    throw new Error('after the head');
  });
  let produced = 0;
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  app.get('/big', async function* () {
    produced = 0;
    for (let i = 0; i < 64; i++) {
      produced++;
      yield chunk;
    }
  });
  app.get('/raw', (c) => {
    c.res.startChunked(200, { 'content-type': 'text/plain' });
    c.res.writeChunk('raw ');
    c.res.writeChunk('writer');
    return c.res.endChunked();
  });
  return { app, log, written, producedCount: () => produced, chunkSize: chunk.length };
}

describe.each(RUNTIMES)('wirecore/app replies (%s)', (runtime) => {
  it('serializes with the response schema: declared fields only, in schema order', async () => {
    const { app } = makeApp();
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/with-schema`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('{"id":7,"name":"Ada","joined":"2024-01-02T03:04:05.000Z"}');
    const created = await fetch(`${server.url}/created`, { method: 'POST' });
    expect(created.status).toBe(201);
    expect(await created.text()).toBe('{"id":1,"name":"new"}');
  });

  it('serializes without a schema with JSON.stringify (everything)', async () => {
    const { app } = makeApp();
    const server = await serveApp(runtime, app);
    expect(await (await fetch(`${server.url}/without-schema`)).json()).toEqual({ id: 7, name: 'Ada', password: 'hunter2', joined: '2024-01-02T03:04:05.000Z' });
  });

  it('sends strings as text, bytes as octet-stream, nothing as 204', async () => {
    const { app } = makeApp();
    const server = await serveApp(runtime, app);
    const text = await fetch(`${server.url}/text`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('héllo');
    const bytes = await fetch(`${server.url}/bytes`);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
    const nothing = await fetch(`${server.url}/nothing`);
    expect(nothing.status).toBe(204);
    expect(nothing.headers.get('content-type')).toBeNull();
    const accepted = await fetch(`${server.url}/accepted`);
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('');
  });

  it('sets headers (replacing by name, Set-Cookie appended) and redirects', async () => {
    const { app } = makeApp();
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/headers`);
    expect(res.headers.get('x-one')).toBe('2');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('content-type')).toBe('application/vnd.test+json');
    const go = await fetch(`${server.url}/go`, { redirect: 'manual' });
    expect(go.status).toBe(307);
    expect(go.headers.get('location')).toBe('/text');
  });

  it('streams an async iterable chunked, a text one as text', async () => {
    const { app, written } = makeApp();
    const server = await serveApp(runtime, app);
    const got = await rawRequest(server.port, 'GET /generator HTTP/1.1\r\nHost: t\r\n\r\n', { responses: 1 });
    const res = got.responses[0]!;
    expect(res.chunked).toBe(true);
    expect(res.body.toString()).toBe('one,two,three');
    expect(res.headers.join(' ')).toContain('text/plain; charset=utf-8');
    expect(written.at(-1)!.bodyBytes).toBe(13);
    expect(await (await fetch(`${server.url}/node-stream`)).text()).toBe('node stream');
    const web = await fetch(`${server.url}/web-stream`);
    expect(web.headers.get('content-type')).toBe('application/octet-stream');
    expect(await web.text()).toBe('web stream');
    const typed = await fetch(`${server.url}/typed-stream`);
    expect(typed.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await typed.text()).toBe('{"n":1}\n{"n":2}\n');
  });

  it('answers a stream that fails before its first chunk with a 500 problem', async () => {
    const { app, log } = makeApp();
    const server = await serveApp(runtime, app);
    const res = await fetch(`${server.url}/fails-first`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('before any byte');
    expect(log.entries.filter((e) => e.level === 'error')).toHaveLength(1);
  });

  it('drops the connection when a stream fails after its head, logging it once', async () => {
    const { app, log } = makeApp();
    const server = await serveApp(runtime, app);
    const got = await rawRequest(server.port, 'GET /fails-later HTTP/1.1\r\nHost: t\r\n\r\n');
    expect(got.closed).toBe(true);
    expect(got.responses).toHaveLength(0);
    // Bytes written just before the drop reach the peer first, on every runtime.
    expect(got.raw.toString()).toContain('partial');
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/after the response head/);
    expect(errors[0]!.fields.reqId).toEqual(expect.any(String));
  });

  it('waits for the reader: a paused client stops the producer', async () => {
    const { app, producedCount, chunkSize } = makeApp();
    const server = await serveApp(runtime, app);
    const socket = net.connect(server.port, '127.0.0.1');
    let received = 0;
    let paused = false;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (!paused) {
        paused = true;
        socket.pause();
      }
    });
    socket.write('GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    // Wait until the producer has stopped moving for a while: backpressure holds it.
    let last = -1;
    while (producedCount() !== last) {
      last = producedCount();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(producedCount()).toBeLessThan(64);
    socket.resume();
    await new Promise<void>((resolve) => socket.on('end', resolve));
    expect(producedCount()).toBe(64);
    expect(received).toBeGreaterThan(64 * chunkSize);
  });

  it('answers HEAD of a stream with its head only, without running the stream to its end', async () => {
    const app = createApp({ logger: recordingLogger() });
    let pulled = 0;
    app.get('/endless', async function* () {
      for (;;) {
        pulled++;
        yield 'tick\n';
      }
    });
    const server = await serveApp(runtime, app);
    const got = await rawRequest(server.port, 'HEAD /endless HTTP/1.1\r\nHost: t\r\n\r\n', { headRequests: [0], responses: 1 });
    expect(got.responses[0]!.status).toBe(200);
    expect(got.responses[0]!.body.length).toBe(0);
    expect(pulled).toBe(1);
  });

  it('lets a handler answer through the raw writer, and still reports the Written', async () => {
    const { app, written } = makeApp();
    const server = await serveApp(runtime, app);
    expect(await (await fetch(`${server.url}/raw`)).text()).toBe('raw writer');
    expect(written.at(-1)).toMatchObject({ status: 200, bodyBytes: 10, outcome: 'complete' });
  });
});

describe('wirecore/app stream abort', () => {
  it.each(RUNTIMES)('stops pulling a stream when the client leaves (%s)', async (runtime) => {
    const app = createApp({ logger: recordingLogger() });
    const left = gate();
    const first = gate();
    app.get('/forever', async function* () {
      try {
        for (;;) {
          yield 'tick\n';
          first.open();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        left.open();
      }
    });
    const server = await serveApp(runtime, app);
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write('GET /forever HTTP/1.1\r\nHost: t\r\n\r\n');
    await first.wait;
    socket.destroy();
    await left.wait;
  });
});
