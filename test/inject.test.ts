// wirecore/testing: the memory runtime through the same connection code.
import { describe, expect, it } from 'vitest';
import { createStatic, type DispatchFn } from 'wirecore';
import { exchangeBytes, inject, parseResponses } from 'wirecore/testing';

const app: DispatchFn<{ greeting: string }> = async (ctx, req, res) => {
  if (req.method === 'POST') return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ got: await req.body.json() }) });
  if (req.path === '/stream') {
    res.startChunked(200);
    await res.writeChunk('a');
    await res.writeChunk('b');
    return res.endChunked({ 'x-t': '1' });
  }
  return res.send({ headers: { 'x-path': req.path }, body: `${ctx.greeting} ${req.query}` });
};

describe('inject', () => {
  it('returns status, headers and body', async () => {
    const r = await inject({ greeting: 'hi' }, app, { url: '/p?x=1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-path')).toBe('/p');
    expect(r.text()).toBe('hi x=1');
  });

  it('sends a body and reads JSON back', async () => {
    const r = await inject({ greeting: '' }, app, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
    expect(r.json()).toEqual({ got: { a: 1 } });
  });

  it('reads chunked answers and their trailers', async () => {
    const r = await inject({ greeting: '' }, app, { url: '/stream' });
    expect(r.text()).toBe('ab');
    expect(r.trailers?.get('x-t')).toBe('1');
  });

  it('runs raw bytes through the same rules as a socket', async () => {
    const bytes = await exchangeBytes({ greeting: 'x' }, app, Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'));
    const parsed = parseResponses(bytes, { eof: true });
    expect(parsed.responses.map((r) => r.status)).toEqual([400]);
  });

  it('serves tryStatic hits', async () => {
    const hit = createStatic({ body: 'from static' });
    const r = await inject({ greeting: '' }, app, { url: '/s' }, { tryStatic: () => hit });
    expect(r.text()).toBe('from static');
  });
});
