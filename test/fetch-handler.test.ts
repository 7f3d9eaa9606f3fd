// toFetchHandler: a dispatch served as (Request) => Promise<Response>, for
// fetch platforms. The same writer rules hold: framing, HEAD, errors,
// streaming with backpressure, the peer leaving, static hits.
import { describe, expect, it } from 'vitest';
import { createStatic, toFetchHandler, WireError, type DispatchFn, type Logger } from 'wirecore';

const url = (path: string) => `http://example.test${path}`;

function recorder(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {} };
}

describe('toFetchHandler', () => {
  const echo: DispatchFn<{ greeting: string }> = async (ctx, req, res) => {
    if (req.method === 'POST') return res.send({ status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ got: await req.body.json(), path: req.path, query: req.query }) });
    return res.send({ headers: { 'x-greeting': ctx.greeting, 'set-cookie': ['a=1', 'b=2'] }, body: `hello ${req.path} ${req.headers.get('x-name') ?? ''}` });
  };

  it('answers a GET with status, headers (Date and Content-Length included) and body', async () => {
    const fetch = toFetchHandler({ greeting: 'hi' }, echo);
    const response = await fetch(new Request(url('/a?b=1'), { headers: { 'X-Name': 'ann' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-greeting')).toBe('hi');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('content-length')).toBe('12');
    expect(response.headers.get('date')).toMatch(/GMT$/);
    expect(await response.text()).toBe('hello /a ann');
  });

  it('reads a streamed request body and gives path and query', async () => {
    const fetch = toFetchHandler({ greeting: 'hi' }, echo);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"x":'));
        controller.enqueue(new TextEncoder().encode('[1,2]}'));
        controller.close();
      },
    });
    const response = await fetch(new Request(url('/p?q=2'), { method: 'POST', body, duplex: 'half' } as RequestInit));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ got: { x: [1, 2] }, path: '/p', query: 'q=2' });
  });

  it('answers 413 past maxBodyBytes', async () => {
    const fetch = toFetchHandler(null, async (_c, req, res) => res.send({ body: await req.body.text() }), { maxBodyBytes: 8, logger: recorder() });
    const response = await fetch(new Request(url('/'), { method: 'POST', body: 'more than eight bytes' }));
    expect(response.status).toBe(413);
  });

  it('hands over the Response at the head, then streams chunks as they are written', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = toFetchHandler(null, async (_c, _req, res) => {
      res.startChunked(200, { 'content-type': 'text/plain' });
      await res.writeChunk('first ');
      await gate;
      await res.writeChunk('second');
      return res.endChunked({ 'x-trailer': 'dropped' });
    });
    const response = await fetch(new Request(url('/')));
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first ');
    release();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('second');
    expect((await reader.read()).done).toBe(true);
  });

  it('reports backpressure when the consumer does not read, and the abort when it cancels', async () => {
    let writesBeforeWait = 0;
    let aborted!: () => void;
    const sawAbort = new Promise<void>((resolve) => (aborted = resolve));
    const fetch = toFetchHandler(null, async (_c, req, res) => {
      req.signal.addEventListener('abort', () => aborted());
      res.startChunked(200);
      for (;;) {
        const wait = res.writeChunk('x'.repeat(1024));
        if (wait === true) {
          writesBeforeWait++;
          continue;
        }
        await wait;
        if (res.aborted) return res.endChunked();
      }
    });
    const response = await fetch(new Request(url('/')));
    expect(writesBeforeWait).toBeLessThan(10);
    await response.body!.cancel();
    await sawAbort;
  });

  it('answers HEAD with the length and no body, and a declared stream length as Content-Length', async () => {
    const fetch = toFetchHandler(null, async (_c, req, res) => {
      if (req.path === '/declared') {
        res.startChunked(200, {}, { length: 5 });
        await res.writeChunk('12345');
        return res.endChunked();
      }
      return res.send({ body: 'twelve bytes' });
    });
    const head = await fetch(new Request(url('/'), { method: 'HEAD' }));
    expect(head.headers.get('content-length')).toBe('12');
    expect(head.body).toBeNull();
    const declared = await fetch(new Request(url('/declared')));
    expect(declared.headers.get('content-length')).toBe('5');
    expect(await declared.text()).toBe('12345');
  });

  it('turns a throw before the head into a 500 without the stack, a WireError into its status, and a throw after the head into a failed body', async () => {
    const logger = recorder();
    const fetch = toFetchHandler(null, async (_c, req, res) => {
      if (req.path === '/before') throw new Error('secret detail');
      if (req.path === '/wire') throw new WireError(409, 'Taken');
      res.startChunked(200);
      await res.writeChunk('partial');
      throw new Error('mid-stream');
    }, { logger });
    const before = await fetch(new Request(url('/before')));
    expect(before.status).toBe(500);
    expect(await before.text()).not.toContain('secret');
    const wire = await fetch(new Request(url('/wire')));
    expect(wire.status).toBe(409);
    expect(await wire.text()).toBe('Taken\n');
    const after = await fetch(new Request(url('/after')));
    expect(after.status).toBe(200);
    await expect(after.text()).rejects.toThrow();
    expect(logger.errors.some((m) => m.includes('GET /before'))).toBe(true);
  });

  it('answers 500 for a dispatch that settles without a response', async () => {
    const logger = recorder();
    const fetch = toFetchHandler(null, (async () => undefined) as unknown as DispatchFn<null>, { logger });
    const response = await fetch(new Request(url('/forgot')));
    expect(response.status).toBe(500);
    expect(logger.errors.some((m) => m.includes('/forgot'))).toBe(true);
  });

  it('serves static hits, conditionally', async () => {
    const page = createStatic({ headers: { etag: '"p1"' }, body: 'static page' });
    const fetch = toFetchHandler(null, (_c, _r, res) => res.send({ status: 404 }), { tryStatic: () => page });
    const full = await fetch(new Request(url('/')));
    expect(await full.text()).toBe('static page');
    const cached = await fetch(new Request(url('/'), { headers: { 'if-none-match': '"p1"' } }));
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe('"p1"');
  });
});
