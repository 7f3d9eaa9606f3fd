// Static responses with validators: the wire layer answers conditional GETs
// with 304 itself, on every runtime, whether the hit came from tryStatic or
// from a handler's sendStatic.
import { describe, expect, it } from 'vitest';
import { createStatic, type StaticResponse } from 'wirecore';
import { header, rawRequest } from './helpers/raw.js';
import { RUNTIMES, start } from './helpers/servers.js';

const request = (extra = '', method = 'GET', target = '/page') => `${method} ${target} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

const tagged = createStatic({ headers: { 'content-type': 'text/html', etag: '"v1"', 'cache-control': 'max-age=60', vary: 'accept-encoding' }, body: '<p>page</p>' });
const derived = createStatic({ headers: { 'content-type': 'text/plain' }, body: 'derived' }, { etag: true });
const dated = createStatic({ headers: { 'last-modified': 'Tue, 03 Nov 2026 10:00:00 GMT' }, body: 'dated' });
const plain = createStatic({ body: 'no validator' });

describe.each(RUNTIMES)('conditional static answers on %s', (runtime) => {
  const serve = (pick: (path: string) => StaticResponse | undefined) =>
    start(runtime, null, (_c, req, res) => res.send({ status: 404, body: `dispatched ${req.path}` }), { tryStatic: (_c, _m, path) => pick(path) });

  it('answers 304 with the validators and no body when If-None-Match matches, and keeps the connection', async () => {
    const server = await serve(() => tagged);
    const r = await rawRequest(server.port, request('If-None-Match: "v0", "v1"\r\n') + request(), { responses: 2 });
    const [notModified, full] = r.responses;
    expect(notModified!.status).toBe(304);
    expect(header(notModified!, 'etag')).toBe('"v1"');
    expect(header(notModified!, 'cache-control')).toBe('max-age=60');
    expect(header(notModified!, 'vary')).toBe('accept-encoding');
    expect(header(notModified!, 'content-type')).toBeUndefined();
    expect(header(notModified!, 'date')).toMatch(/GMT$/);
    expect(notModified!.body.length).toBe(0);
    expect(full!.status).toBe(200);
    expect(full!.body.toString()).toBe('<p>page</p>');
    expect(r.closed).toBe(false);
  });

  it('compares weakly and honours *', async () => {
    const server = await serve(() => tagged);
    const weak = await rawRequest(server.port, request('If-None-Match: W/"v1"\r\n'), { responses: 1 });
    expect(weak.responses[0]!.status).toBe(304);
    const any = await rawRequest(server.port, request('If-None-Match: *\r\n'), { responses: 1 });
    expect(any.responses[0]!.status).toBe(304);
    const other = await rawRequest(server.port, request('If-None-Match: "v2"\r\n'), { responses: 1 });
    expect(other.responses[0]!.status).toBe(200);
    expect(other.responses[0]!.body.toString()).toBe('<p>page</p>');
  });

  it('derives a strong ETag from the body with { etag: true }', async () => {
    const server = await serve(() => derived);
    const first = await rawRequest(server.port, request(), { responses: 1 });
    const etag = header(first.responses[0]!, 'etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await rawRequest(server.port, request(`If-None-Match: ${etag}\r\n`), { responses: 1 });
    expect(again.responses[0]!.status).toBe(304);
  });

  it('uses If-Modified-Since when there is no If-None-Match', async () => {
    const server = await serve(() => dated);
    const fresh = await rawRequest(server.port, request('If-Modified-Since: Tue, 03 Nov 2026 10:00:00 GMT\r\n'), { responses: 1 });
    expect(fresh.responses[0]!.status).toBe(304);
    expect(header(fresh.responses[0]!, 'last-modified')).toBe('Tue, 03 Nov 2026 10:00:00 GMT');
    const stale = await rawRequest(server.port, request('If-Modified-Since: Mon, 02 Nov 2026 10:00:00 GMT\r\n'), { responses: 1 });
    expect(stale.responses[0]!.status).toBe(200);
  });

  it('answers HEAD conditionally too, and never a response without a validator', async () => {
    const server = await serve((path) => (path === '/plain' ? plain : tagged));
    const head = await rawRequest(server.port, request('If-None-Match: "v1"\r\n', 'HEAD'), { responses: 1, headRequests: [0] });
    expect(head.responses[0]!.status).toBe(304);
    const none = await rawRequest(server.port, request('If-None-Match: *\r\n', 'GET', '/plain'), { responses: 1 });
    expect(none.responses[0]!.status).toBe(200);
    expect(none.responses[0]!.body.toString()).toBe('no validator');
  });

  it('applies to sendStatic from a handler', async () => {
    const server = await start(runtime, null, (_c, _req, res) => res.sendStatic(tagged));
    const r = await rawRequest(server.port, request('If-None-Match: "v1"\r\n'), { responses: 1 });
    expect(r.responses[0]!.status).toBe(304);
  });

  it('hands tryStatic the request headers, so it can pick a variant', async () => {
    const gzip = createStatic({ headers: { 'content-encoding': 'gzip' }, body: 'pretend-gzip' });
    const server = await start(runtime, null, (_c, _req, res) => res.send({ status: 404 }), {
      tryStatic: (_c, _m, _p, headers) => (headers.get('Accept-Encoding')?.includes('gzip') ? gzip : plain),
    });
    const r = await rawRequest(server.port, request('Accept-Encoding: br, gzip\r\n') + request(), { responses: 2 });
    expect(r.responses.map((x) => x.body.toString())).toEqual(['pretend-gzip', 'no validator']);
  });
});
