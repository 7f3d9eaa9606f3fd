// wirecore/ssr over real sockets, on every runtime and with both renderers:
// routing, layouts, load(), error pages, streaming order, prerendering,
// endpoints and islands.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeName } from 'wirecore';
import type { BuildResult, RendererName } from 'wirecore/ssr';
import { parseResponses } from 'wirecore/testing';
import { header, rawRequest, waitForBytes } from './helpers/raw.js';
import { RUNTIMES } from './helpers/servers.js';
import { buildFixture, openGate, serveFixture, uniqueName, type ServedSite } from './helpers/ssr.js';

const RENDERERS: RendererName[] = ['preact', 'react'];
const COMBOS = RUNTIMES.flatMap((runtime) => RENDERERS.map((renderer) => [runtime, renderer] as [RuntimeName, RendererName]));

const builds = new Map<RendererName, BuildResult>();
beforeAll(async () => {
  for (const renderer of RENDERERS) builds.set(renderer, await buildFixture(renderer));
});

function get(port: number, path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: site.test\r\n${extra}Connection: close\r\n\r\n`;
}

describe.each(COMBOS)('wirecore/ssr on %s with %s', (runtime, renderer) => {
  let served: ServedSite;
  let base: string;
  beforeAll(async () => {
    served = await serveFixture(runtime, builds.get(renderer)!);
    base = served.server.url;
  });
  const page = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, { redirect: 'manual', ...init });
    return { res, html: await res.text() };
  };

  it('streams a page with the document head first, in chunks, as text/html', async () => {
    const { res, html } = await page('/about');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.startsWith('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">')).toBe(true);
    expect(html).toContain('<title>About us</title>');
    // The page's description replaces the layout's; the layout's stylesheet stays.
    expect(html).toContain('<meta name="description" content="about the fixture">');
    expect(html).not.toContain('the fixture site');
    expect(html).toContain('<link rel="stylesheet" href="/style.css">');
    expect(html).toContain('About page');
    expect(html.endsWith('</body></html>')).toBe(true);
    const raw = await rawRequest(served.server.port, get(served.server.port, '/about'));
    expect(raw.responses[0]!.chunked).toBe(true);
  });

  it('routes by specificity: names before [params] before [...rest]', async () => {
    expect((await page('/blog/new')).html).toContain('The static new-post page');
    expect((await page('/blog/hello')).html).toContain('data-slug="hello"');
    expect((await page('/docs/intro')).html).toContain('Docs intro (static)');
    expect((await page('/docs/a/b/c')).html).toMatch(/id="docs-rest">a\/b\/c</);
    expect((await page('/docs')).html).toMatch(/id="section">Section (<!-- -->)?docs</);
    expect((await page('/')).html).toContain('Home page');
    expect((await page('/blog')).html).toContain('id="posts"');
  });

  it('decodes parameters, keeps an encoded slash inside one, and 404s what no route claims', async () => {
    expect((await page('/blog/h%65llo')).html).toContain('data-slug="hello"');
    expect((await page('/docs/a%2Fb/c')).html).toMatch(/id="docs-rest">a\/b\/c</);
    const missing = await page('/a/b/c');
    expect(missing.res.status).toBe(404);
    expect(missing.html).toMatch(/id="not-found">404(<!-- -->)?: nothing at (<!-- -->)?\/a\/b\/c</);
    expect(missing.html).toContain('<title>Not found</title>');
    // The 404 page keeps the root layout.
    expect(missing.html).toContain('id="root-layout"');
  });

  it('nests layouts outermost first around the page', async () => {
    const { html } = await page('/blog/hello');
    const root = html.indexOf('id="root-layout"');
    const blog = html.indexOf('id="blog-layout"');
    const article = html.indexOf('<article');
    expect(root).toBeGreaterThan(0);
    expect(blog).toBeGreaterThan(root);
    expect(article).toBeGreaterThan(blog);
    expect(html.indexOf('</article>')).toBeLessThan(html.indexOf('</section>'));
    expect(html.indexOf('</section>')).toBeLessThan(html.lastIndexOf('</div>'));
    // Only pages under blog/ get the blog layout.
    expect((await page('/about')).html).not.toContain('blog-layout');
  });

  it('passes load() data to the page (escaped) and a head computed from the route', async () => {
    const { res, html } = await page('/blog/hello');
    expect(res.status).toBe(200);
    expect(html).toContain('<title>Post hello</title>');
    expect(html).toMatch(/Hello &lt;World(>|&gt;)/);
    expect(html).toContain('The first post.');
  });

  it('answers notFound() from load() with the 404 page and status 404', async () => {
    const { res, html } = await page('/blog/no-such-post');
    expect(res.status).toBe(404);
    expect(html).toContain('id="not-found"');
  });

  it('answers redirect() from load() with its status and Location', async () => {
    const { res, html } = await page('/blog/old-hello');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/blog/hello');
    expect(html).toBe('');
  });

  it('with waitForLoad, a slow load() still decides the status', async () => {
    expect((await page('/waits?missing')).res.status).toBe(404);
    const ok = await page('/waits');
    expect(ok.res.status).toBe(200);
    expect(ok.html).toMatch(/id="waits">true</);
  });

  it('renders _500 with status 500 when load() fails before the head, without the error on the wire', async () => {
    const before = served.log.errors.length;
    const { res, html } = await page('/boom');
    expect(res.status).toBe(500);
    expect(html).toContain('id="server-error"');
    expect(html).toContain('<title>Server error</title>');
    expect(html).not.toContain('secret');
    const logged = served.log.errors.slice(before);
    expect(logged.some((e) => e.message.includes('boom.tsx failed before its head was sent') && String(e.error).includes('load failed at once'))).toBe(true);
  });

  it('renders _500 when the shell fails to render and nothing was sent yet', async () => {
    const { res, html } = await page('/render-boom');
    expect(res.status).toBe(500);
    expect(html).toContain('id="server-error"');
    expect(html).not.toContain('secret');
  });

  it('sends the head before a slow load() resolves (read from the socket), then the body', async () => {
    const gate = uniqueName('head-first');
    const result = await rawRequest(served.server.port, [get(0, `/slow?gate=${gate}`), ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('</head><body>'));
        const sofar = received().toString('latin1');
        expect(sofar).toContain('HTTP/1.1 200 OK');
        expect(sofar).toContain('<title>Slow page</title>');
        expect(sofar).not.toContain('loaded slowly');
        openGate(gate);
      },
    });
    expect(result.parseError).toBeNull();
    const body = result.responses[0]!.body.toString();
    expect(body).toMatch(/id="slow">loaded slowly</);
    expect(body.endsWith('</body></html>')).toBe(true);
  });

  it('ends the response as failed when load() throws after the head: no terminating chunk, logged', async () => {
    const gate = uniqueName('fail-after');
    const before = served.log.errors.length;
    const result = await rawRequest(served.server.port, [get(0, `/slow?gate=${gate}&then=throw`), ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('</head><body>'));
        openGate(gate);
      },
    });
    expect(result.closed).toBe(true);
    expect(result.raw.toString('latin1').endsWith('0\r\n\r\n')).toBe(false);
    expect(parseResponses(result.raw, { eof: false }).responses).toHaveLength(0);
    await expect.poll(() => served.log.errors.slice(before).some((e) => e.message.includes('after the response head') && String((e.error as Error).message).includes('load() failed after the head was sent'))).toBe(true);
  });

  it('after the head, notFound() streams the 404 page and still ends the response as failed', async () => {
    const gate = uniqueName('missing-after');
    const result = await rawRequest(served.server.port, [get(0, `/slow?gate=${gate}&then=missing`), ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('</head><body>'));
        openGate(gate);
      },
    });
    expect(result.closed).toBe(true);
    const text = result.raw.toString('latin1');
    expect(text).toContain('id="not-found"');
    expect(text.endsWith('0\r\n\r\n')).toBe(false);
  });

  it('a render failure after a slow load() also ends the response as failed', async () => {
    const gate = uniqueName('render-after');
    const result = await rawRequest(served.server.port, [get(0, `/late-render-boom?gate=${gate}`), ''], {
      between: async (_i, received) => {
        await waitForBytes(received, (b) => b.includes('<body>'));
        openGate(gate);
      },
    });
    expect(result.closed).toBe(true);
    expect(result.raw.toString('latin1').endsWith('0\r\n\r\n')).toBe(false);
  });

  it('serves prerendered pages from the static cache: Content-Length, an ETag, rendered once', async () => {
    const first = await rawRequest(served.server.port, get(0, '/prerendered'));
    const second = await rawRequest(served.server.port, get(0, '/prerendered'));
    const [a, b] = [first.responses[0]!, second.responses[0]!];
    expect(a.status).toBe(200);
    expect(a.chunked).toBe(false);
    expect(header(a, 'content-length')).toBe(String(a.body.length));
    expect(header(a, 'etag')).toMatch(/^"[\w-]{27}"$/);
    expect(header(a, 'content-type')).toBe('text/html; charset=utf-8');
    expect(b.body.equals(a.body)).toBe(true);
    expect(a.body.toString()).toMatch(/id="prerendered">rendered once at start/);
    // prerender.paths() pages too, encoded as a client sends them.
    const spaced = await fetch(`${base}/posts/two%20words`);
    expect(spaced.headers.get('etag')).toMatch(/^"/);
    expect(await spaced.text()).toMatch(/post (<!-- -->)?two words/);
    expect(served.site.current.prerendered.size).toBe(3);
  });

  it('answers 304 to a prerendered page whose ETag the client has, and the page to one it has not', async () => {
    const etag = (await fetch(`${base}/prerendered`)).headers.get('etag')!;
    const r = await rawRequest(served.server.port, [
      `GET /prerendered HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\nGET /prerendered HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/${etag}\r\n\r\n`,
    ], { responses: 2 });
    for (const res of r.responses) {
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(header(res, 'etag')).toBe(etag);
      expect(header(res, 'cache-control')).toBe('no-cache');
    }
    const changed = await fetch(`${base}/prerendered`, { headers: { 'if-none-match': '"an-older-build"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toMatch(/id="prerendered">/);
  });

  it('HEAD gets the head without a body; other methods get 405 with Allow', async () => {
    const head = await rawRequest(served.server.port, `HEAD /about HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { headRequests: [0], responses: 1 });
    expect(head.responses[0]!.status).toBe(200);
    expect(head.responses[0]!.body.length).toBe(0);
    const post = await fetch(`${base}/about`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('redirects a trailing slash to the bare path, never to another host', async () => {
    const { res } = await page('/about/?x=1');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/about?x=1');
    const sneaky = await rawRequest(served.server.port, get(0, '//evil.example/'));
    expect(sneaky.responses[0]!.status).toBe(404);
    expect(header(sneaky.responses[0]!, 'location')).toBeUndefined();
  });

  it('runs endpoints: one handler per method, 405 with Allow for the rest', async () => {
    const got = await fetch(`${base}/api/echo?q=hi`);
    expect(await got.json()).toEqual({ method: 'GET', params: {}, q: 'hi' });
    const posted = await fetch(`${base}/api/echo`, { method: 'POST', body: 'payload' });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ method: 'POST', body: 'payload' });
    const put = await fetch(`${base}/api/echo`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('marks islands with their props and ships their script only on pages that use them', async () => {
    const { html } = await page('/island');
    const marker = /<wirecore-island data-island="Badge" data-props="([^"]*)" style="display:\s?contents;?">/.exec(html);
    expect(marker).not.toBeNull();
    expect(JSON.parse(marker![1]!.replaceAll('&quot;', '"'))).toEqual({ label: 'hydrated', count: 3 });
    const script = /<script type="module" src="(\/_islands\/island-Badge-[A-Z0-9]+\.js)"><\/script>/.exec(html);
    expect(script).not.toBeNull();
    const js = await fetch(base + script![1]);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toContain('wirecore-island[data-island="Badge"]');
    for (const path of ['/about', '/blog/hello', '/']) expect((await page(path)).html).not.toContain('<script');
  });

  it('answers OPTIONS * about the server and refuses dot segments and bad escapes with 400', async () => {
    // uWebSockets.js does not route asterisk-form requests (parity/divergences.ts: asterisk-form).
    if (runtime !== 'uws') {
      const star = await rawRequest(served.server.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(star.responses[0]!.status).toBe(200);
      expect(header(star.responses[0]!, 'allow')).toBe('GET, HEAD, OPTIONS');
    }
    for (const path of ['/blog/..', '/blog/%2e%2e/x', '/a/%2E/b', '/blog/%ZZ', '/blog/a%00b']) {
      const r = await rawRequest(served.server.port, get(0, path));
      expect([path, r.responses[0]?.status]).toEqual([path, 400]);
    }
  });
});
