// A real, unmodified Hono app on wirecore/fetch, on every runtime.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { streamSSE, streamText } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installLightResponse, toDispatch } from 'wirecore/fetch';
import { RUNTIMES, start } from './helpers/servers.js';

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { open, wait };
}

function makeApp() {
  const textGate = gate();
  const sseGate = gate();
  const aborted = gate();
  const app = new Hono();
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q'), tags: c.req.queries('tag') }));
  app.post('/echo', async (c) => c.json({ got: await c.req.json(), type: c.req.header('content-type') }, 201));
  app.post('/upload', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    return c.json({ size: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
  });
  app.post('/stream-upload', async (c) => {
    let size = 0;
    for await (const chunk of c.req.raw.body!) size += chunk.byteLength;
    return c.text(String(size));
  });
  app.get('/text', (c) =>
    streamText(c, async (stream) => {
      await stream.write('first;');
      await textGate.wait;
      await stream.write('second');
    }),
  );
  app.get('/sse', (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: 'greeting', data: 'hello', id: '1' });
      await sseGate.wait;
      await stream.writeSSE({ event: 'greeting', data: 'again', id: '2' });
    }),
  );
  app.get('/forever', (c) =>
    streamSSE(c, async (stream) => {
      stream.onAbort(() => aborted.open());
      while (!stream.aborted) {
        await stream.writeSSE({ data: 'tick' });
        await stream.sleep(20);
      }
    }),
  );
  app.get('/boom', () => {
    throw new Error('secret stack detail');
  });
  app.get('/cookies', (c) => {
    setCookie(c, 'a', '1', { path: '/' });
    setCookie(c, 'b', '2', { httpOnly: true });
    return c.text('cookies set');
  });
  app.get('/url', (c) => c.text(c.req.url));
  return { app, textGate, sseGate, aborted };
}

describe.each(RUNTIMES)('Hono on wirecore/fetch (%s)', (runtime) => {
  let undo: () => void;
  beforeAll(() => {
    undo = installLightResponse();
  });
  afterAll(() => undo());

  async function serve() {
    const parts = makeApp();
    const server = await start(runtime, null, toDispatch(parts.app.fetch), { maxBodyBytes: 8 * 1024 * 1024 });
    return { ...parts, base: server.url };
  }

  it('routes with params and query strings', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/users/42?q=find%20me&tag=a&tag=b`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: '42', q: 'find me', tags: ['a', 'b'] });
  });

  it('takes JSON in and gives JSON out', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: [1, 2] }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { a: [1, 2] }, type: 'application/json' });
  });

  it('accepts a 5 MiB upload, read whole or as a stream', async () => {
    const { base } = await serve();
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i & 0xff;
    const res = await fetch(`${base}/upload`, { method: 'POST', body });
    expect(await res.json()).toEqual({ size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    const streamed = await fetch(`${base}/stream-upload`, { method: 'POST', body });
    expect(await streamed.text()).toBe(String(body.length));
  });

  it('streams text as it is written (hono/streaming streamText)', async () => {
    const { base, textGate } = await serve();
    const res = await fetch(`${base}/text`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The second write waits for this gate: the first chunk must arrive on its own.
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    textGate.open();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('second');
  });

  it('streams server-sent events as they are written (streamSSE)', async () => {
    const { base, sseGate } = await serve();
    const res = await fetch(`${base}/sse`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('\n\n')) seen += decoder.decode((await reader.read()).value);
    expect(seen).toBe('event: greeting\ndata: hello\nid: 1\n\n');
    sseGate.open();
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += decoder.decode(r.value);
    expect(seen).toBe('event: greeting\ndata: hello\nid: 1\n\nevent: greeting\ndata: again\nid: 2\n\n');
  });

  it('answers a thrown error with 500 and no stack', async () => {
    const { base } = await serve();
    // Hono's default error handler logs the error: captured here, and checked.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await fetch(`${base}/boom`);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('secret stack detail');
      expect(logged.mock.calls.some((args) => String(args[0]).includes('secret stack detail'))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });

  it('keeps several Set-Cookie headers apart', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/cookies`);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(await res.text()).toBe('cookies set');
  });

  it('cancels the stream when the client goes away', async () => {
    const { base, aborted } = await serve();
    const controller = new AbortController();
    const res = await fetch(`${base}/forever`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await aborted.wait;
  });

  it('builds request.url from Host and the target', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/url?x=1`);
    expect(await res.text()).toBe(`${base}/url?x=1`);
  });
});

describe('without the LightResponse override', () => {
  it('sends the platform Response the same way', async () => {
    const { app } = makeApp();
    const server = await start('net', null, toDispatch(app.fetch));
    const res = await fetch(`${server.url}/users/7?q=x`);
    expect(await res.json()).toEqual({ id: '7', q: 'x', tags: undefined });
  });
});
