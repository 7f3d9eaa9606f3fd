// One Hono app, served by @hono/node-server and by wirecore/fetch in
// test/fetch-node-server.test.ts, so the same requests can be compared on the
// wire: text, JSON, bytes, Blobs, streams, SSE, serve-static files with HEAD
// and Range, ETag, cookies, HEAD lengths, empty request bodies, extension methods.
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { etag } from 'hono/etag';
import { stream, streamSSE } from 'hono/streaming';

const encoder = new TextEncoder();

/** A stream that yields `parts`, each a turn of the event loop after the last when `spaced`. */
function streamOf(parts: string[], spaced = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (spaced && i > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]!));
      else controller.close();
    },
  });
}

/** `root`: a folder holding the files that /static/* serves. */
export function makeCompareApp(root: string): Hono {
  const app = new Hono();
  app.get('/text', (c) => c.text('hello'));
  app.get('/text-201', (c) => c.text('created', 201));
  app.get('/text-header', (c) => {
    c.header('X-Custom', 'yes');
    return c.text('with a header');
  });
  app.get('/json', (c) => c.json({ a: 1, b: [true, null] }));
  app.get('/html', (c) => c.html('<p>hi</p>'));
  app.get('/bytes', (c) => c.body(new Uint8Array([104, 105])));
  app.get('/bytes-typed', (c) => c.body(new Uint8Array([104, 105]), 200, { 'Content-Type': 'application/octet-stream' }));
  app.get('/arraybuffer', (c) => c.body(new Uint8Array([1, 2, 3]).buffer));
  app.get('/blob', (c) => c.body(new Blob(['a blob'], { type: 'image/png' })));
  app.get('/form', () => new Response(new URLSearchParams({ a: '1', b: 'two' })));
  app.get('/null', (c) => c.body(null));
  app.get('/no-content', (c) => c.body(null, 204));
  app.get('/redirect', (c) => c.redirect('/text'));
  app.get('/cookies', (c) => {
    setCookie(c, 'a', '1', { path: '/' });
    setCookie(c, 'b', '2', { httpOnly: true });
    return c.text('cookies set');
  });
  // A stream that is whole at once, and one that trickles.
  app.get('/stream-ready', (c) => c.body(streamOf(['a', 'bb', 'ccc'])));
  app.get('/stream-spaced', (c) => c.body(streamOf(['a', 'bb', 'ccc'], true), 200, { 'Content-Type': 'text/plain' }));
  app.get('/stream-length', (c) => c.body(streamOf(['a', 'bb', 'ccc'], true), 200, { 'Content-Length': '6', 'Content-Type': 'text/plain' }));
  app.get('/stream-helper', (c) =>
    stream(c, async (s) => {
      for (const part of ['one ', 'two ', 'three']) await s.write(part);
    }),
  );
  app.get('/sse', (c) =>
    streamSSE(c, async (s) => {
      await s.writeSSE({ event: 'greeting', data: 'hello', id: '1' });
      await s.sleep(5);
      await s.writeSSE({ event: 'greeting', data: 'again', id: '2' });
    }),
  );
  // HEAD answered by the app itself with the length GET would have.
  app.get('/sized', (c) => (c.req.method === 'HEAD' ? c.body(null, 200, { 'Content-Length': '17', 'Content-Type': 'text/plain' }) : c.text('seventeen bytes!!', 200, { 'Content-Type': 'text/plain' })));
  app.use('/etag/*', etag());
  app.get('/etag/text', (c) => c.text('etag body'));
  app.use('/static/*', serveStatic({ root }));
  app.post('/empty-body', async (c) => {
    const body = c.req.raw.body;
    if (body === null) return c.text('null');
    let size = 0;
    for await (const chunk of body) size += chunk.byteLength;
    return c.text(`stream of ${size} bytes`);
  });
  app.on('PURGE', '/cache', (c) => c.text('purged'));
  return app;
}
