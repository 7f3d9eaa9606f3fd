// Trusted forwarding at the door: req.client from Forwarded (RFC 7239) or
// X-Forwarded-*, believed only from trusted peers, on every runtime and in
// every consumer that builds a URL or an address from it.
import { describe, expect, it } from 'vitest';
import { serveGeneric, type DispatchFn } from 'wirecore';
import { createApp } from 'wirecore/app';
import { serveFetch } from 'wirecore/fetch';
import { resolveClient } from '../src/proxy/forwarded.js';
import { compileTrust } from '../src/proxy/trust.js';
import { WireHeadersImpl } from '../src/runtime/headers.js';
import { RUNTIMES, start } from './helpers/servers.js';
import { FIXTURE_SITE, buildFixture, serveFixture } from './helpers/ssr.js';

const headersOf = (record: Record<string, string>) => new WireHeadersImpl(Object.entries(record).flat());

describe('resolveClient', () => {
  const client = (peer: string, headers: Record<string, string>, trust: unknown, secure = false) => resolveClient(peer, secure, headersOf({ host: 'origin.local', ...headers }), compileTrust(trust));
  const spoof = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', forwarded: 'for=6.6.6.6;proto=https;host=evil.example' };

  it('without trust, or from an untrusted peer, forwarding headers change nothing', () => {
    const own = { address: '198.51.100.1', protocol: 'http', host: 'origin.local' };
    expect(client('198.51.100.1', spoof, undefined)).toEqual(own);
    expect(client('198.51.100.1', spoof, ['10.0.0.0/8'])).toEqual(own);
    expect(client('::ffff:198.51.100.1', spoof, ['loopback'])).toEqual(own);
  });

  it('X-Forwarded-*: walks right to left while hops are trusted; proto and host from the nearest proxy', () => {
    const xff = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
    expect(client('127.0.0.1', xff, ['loopback'])).toEqual({ address: '10.0.0.2', protocol: 'https', host: 'api.example.com' });
    expect(client('127.0.0.1', xff, ['loopback', '10.0.0.0/8'])).toMatchObject({ address: '203.0.113.7' });
    expect(client('127.0.0.1', xff, 1)).toMatchObject({ address: '10.0.0.2' });
    expect(client('127.0.0.1', xff, 2)).toMatchObject({ address: '203.0.113.7' });
    expect(client('127.0.0.1', xff, true)).toMatchObject({ address: '203.0.113.7' });
    // A spoofed leftmost entry is never reached while a hop before it is untrusted.
    expect(client('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' }, ['loopback'])).toMatchObject({ address: '203.0.113.7' });
    expect(client('127.0.0.1', { 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'bad host/x' }, ['loopback'])).toEqual({ address: '127.0.0.1', protocol: 'http', host: 'origin.local' });
  });

  it('Forwarded wins over X-Forwarded-*, quoted IPv6 with ports and all', () => {
    const forwarded = { forwarded: 'for=203.0.113.7;proto=https;host=shop.example, for="[2001:db8::5]:4711";proto=http', 'x-forwarded-for': '6.6.6.6' };
    expect(client('127.0.0.1', forwarded, ['loopback'])).toEqual({ address: '2001:db8::5', protocol: 'http', host: 'origin.local' });
    expect(client('127.0.0.1', forwarded, ['loopback', '2001:db8::/32'])).toEqual({ address: '203.0.113.7', protocol: 'https', host: 'shop.example' });
    expect(client('127.0.0.1', { forwarded: 'for=_hidden, for=unknown' }, ['loopback'])).toMatchObject({ address: 'unknown' });
  });

  it('a malformed Forwarded is ignored whole', () => {
    for (const bad of ['for=', 'for="1.2.3.4', 'for=1.2.3.4;for=5.6.7.8', 'for 1.2.3.4', 'for=1.2.3.4;;']) {
      expect(client('127.0.0.1', { forwarded: bad }, ['loopback'])).toEqual({ address: '127.0.0.1', protocol: 'http', host: 'origin.local' });
    }
  });
});

const forwardedHeaders = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };

describe.each(RUNTIMES)('req.client on %s', (runtime) => {
  const dispatch: DispatchFn<null> = (_ctx, req, res) => res.send({ body: JSON.stringify(req.client) });

  it('trusted peers set it; an untrusted peer\'s spoofed headers change nothing', async () => {
    const trusting = await start(runtime, null, dispatch, { trustProxy: ['loopback'] });
    const wary = await start(runtime, null, dispatch, { trustProxy: ['10.0.0.0/8'] });
    const ask = async (url: string, headers: Record<string, string>) => (await fetch(`${url}/`, { headers })).json();
    expect(await ask(trusting.url, forwardedHeaders)).toEqual({ address: '203.0.113.7', protocol: 'https', host: 'api.example.com' });
    expect(await ask(trusting.url, { forwarded: 'for=198.51.100.9;proto=https;host=fwd.example' })).toEqual({ address: '198.51.100.9', protocol: 'https', host: 'fwd.example' });
    expect(await ask(wary.url, forwardedHeaders)).toEqual({ address: '127.0.0.1', protocol: 'http', host: `127.0.0.1:${wary.port}` });
  });
});

describe('consumers read req.client', () => {
  it('wirecore/fetch: Request.url has the forwarded scheme and host, only from trusted peers', async () => {
    const handler = (request: Request) => new Response(request.url);
    const trusting = await serveFetch(handler, { trustProxy: ['loopback'], signals: false, logger: { error: () => {}, warn: () => {} } });
    const wary = await serveFetch(handler, { signals: false });
    try {
      expect(await (await fetch(`${trusting.url}/a?b=1`, { headers: forwardedHeaders })).text()).toBe('https://api.example.com/a?b=1');
      expect(await (await fetch(`${wary.url}/a?b=1`, { headers: forwardedHeaders })).text()).toBe(`http://127.0.0.1:${wary.port}/a?b=1`);
    } finally {
      await Promise.all([trusting.close(), wary.close()]);
    }
  });

  it('wirecore/app: c.ip, c.protocol, c.host on listen, inject and fetch', async () => {
    const app = createApp({ trustProxy: ['loopback'] });
    app.get('/who', (c) => ({ ip: c.ip, protocol: c.protocol, host: c.host }));
    const server = await app.listen({ signals: false });
    try {
      const expected = { ip: '203.0.113.7', protocol: 'https', host: 'api.example.com' };
      expect(await (await fetch(`${server.url}/who`, { headers: forwardedHeaders })).json()).toEqual(expected);
      expect((await app.inject({ url: '/who', headers: forwardedHeaders })).json()).toEqual(expected);
      const viaFetch = await app.fetch(new Request('http://x.local/who', { headers: forwardedHeaders }), { remoteAddress: '127.0.0.1' });
      expect(await viaFetch.json()).toEqual(expected);
      const untrusted = await app.fetch(new Request('http://x.local/who', { headers: forwardedHeaders }), { remoteAddress: '198.51.100.1' });
      expect(await untrusted.json()).toEqual({ ip: '198.51.100.1', protocol: 'http' }); // a fetch Request has no Host field
    } finally {
      await server.close();
    }
  });

  it('wirecore/ssr: the page URL has the forwarded scheme and host', async () => {
    const built = await buildFixture('preact');
    const { server } = await serveFixture('net', built);
    // serveFixture serves with the door's defaults (no trust): the spoof changes nothing.
    expect(await (await fetch(`${server.url}/api/where`, { headers: forwardedHeaders })).json()).toEqual({ url: `http://127.0.0.1:${server.port}/api/where` });
    const { loadSite, dispatchSite, tryPrerendered } = await import('wirecore/ssr');
    const site = await loadSite({ root: FIXTURE_SITE, outDir: built.outDir, logger: { error: () => {}, warn: () => {} } });
    const trusting = await serveGeneric(site, dispatchSite, { tryStatic: tryPrerendered, trustProxy: ['loopback'], logger: { error: () => {}, warn: () => {} } });
    try {
      expect(await (await fetch(`${trusting.url}/api/where`, { headers: forwardedHeaders })).json()).toEqual({ url: 'https://api.example.com/api/where' });
    } finally {
      site.close();
      await trusting.close();
    }
  });
});
