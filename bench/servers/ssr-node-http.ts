// Baseline: the same Preact components and renderer on node:http. /list
// streams with preact-render-to-string's Node stream (head first, closing
// tags after); /prerendered sends the very bytes wirecore/ssr prerendered.
import http from 'node:http';
import { Transform } from 'node:stream';
import { loadSite } from 'wirecore/ssr';
import { QUIET, SSR_SITE, buildBenchSite } from './ssr-site.js';

interface Preact {
  h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
interface PreactNodeStream {
  renderToPipeableStream(vnode: unknown, options: { onError?: (error: unknown) => void }): { pipe(writable: NodeJS.WritableStream): void };
}
// Specifiers in variables: the packages' own types would pull the DOM lib into the build.
const preactName: string = 'preact';
const streamName: string = 'preact-render-to-string/stream-node';
const { h } = (await import(preactName)) as Preact;
const { renderToPipeableStream } = (await import(streamName)) as PreactNodeStream;

const outDir = await buildBenchSite('node-http');
const site = await loadSite({ root: SSR_SITE, outDir, logger: QUIET });
const table = site.current;
const page = (pattern: string) => {
  const route = table.routes.find((r) => r.pattern === pattern);
  if (route?.kind !== 'page') throw new Error(`the bench site has no page ${pattern}`);
  return route;
};
const list = page('/list');
const slow = page('/slow');
// The prerendered page's own bytes and validators, split out of its static response.
const prerendered = table.prerendered.get('/prerendered')!;
const staticHead = prerendered.bytes.subarray(0, prerendered.headLength).toString('latin1');
const staticBody = Buffer.from(prerendered.bytes.subarray(prerendered.headLength));
const etag = /\r\nETag: ([^\r]+)/i.exec(staticHead)![1]!;

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const END = '</body></html>';

function stream(res: http.ServerResponse, route: typeof list, data: unknown, url: string): void {
  const info = { params: {}, path: url, url: new URL(url, 'http://localhost') };
  let element = h(route.page.default, { ...info, data });
  for (let i = route.layouts.length - 1; i >= 0; i--) element = h(route.layouts[i]!.default, info, element);
  const closing = new Transform({
    transform: (chunk, _encoding, done) => done(null, chunk),
    flush: (done) => done(null, END),
  });
  renderToPipeableStream(element, { onError: (error) => console.error(error) }).pipe(closing);
  closing.pipe(res);
}

const server = http.createServer((req, res) => {
  if (req.url === '/list') {
    res.writeHead(200, HTML);
    res.write(list.fixedStart!);
    return stream(res, list, { items: (list.page.load!({} as never) as { items: unknown }).items }, req.url);
  }
  if (req.url === '/slow') {
    res.writeHead(200, HTML);
    res.write(slow.fixedStart!);
    void Promise.resolve(slow.page.load!({} as never)).then((data) => stream(res, slow, data, '/slow'));
    return;
  }
  if (req.url === '/prerendered') {
    res.writeHead(200, { ...HTML, etag, 'cache-control': 'no-cache', 'content-length': staticBody.length }).end(staticBody);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as { port: number }).port}`));
