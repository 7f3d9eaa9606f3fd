// `npm start`: one small server showing the writer's three answers and a body echo.
import { createStatic, serveGeneric, type DispatchFn, type StaticResponse } from 'wirecore';

interface Demo {
  hello: StaticResponse;
}

const ctx: Demo = {
  hello: createStatic({ headers: { 'content-type': 'text/plain' }, body: 'Hello from a static response\n' }),
};

const dispatch: DispatchFn<Demo> = async (_ctx, req, res) => {
  switch (req.path) {
    case '/':
      return res.send({
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<h1>wirecore demo</h1><ul><li><a href="/static">/static</a></li><li><a href="/stream">/stream</a></li><li>POST /echo</li></ul>\n',
      });
    case '/stream': {
      res.startChunked(200, { 'content-type': 'text/plain; charset=utf-8' });
      for (let i = 1; i <= 5; i++) {
        await res.writeChunk(`chunk ${i} of 5\n`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return res.endChunked();
    }
    case '/echo': {
      const body = await req.body.bytes();
      return res.send({ headers: { 'content-type': req.headers.get('content-type') ?? 'application/octet-stream' }, body });
    }
    default:
      return res.send({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found\n' });
  }
};

const server = await serveGeneric(ctx, dispatch, {
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  tryStatic: (c, method, path) => (path === '/static' && (method === 'GET' || method === 'HEAD') ? c.hello : undefined),
});
console.log(`wirecore demo serving ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
}
