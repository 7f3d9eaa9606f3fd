// A floor for the `uws` runtime: raw uWebSockets.js that reads what any
// server must read of a request before answering (method, URL, query, every
// header, an abort handler), then answers like bench/servers/uws-raw.ts.
// GET scenarios only.
import { createRequire } from 'node:module';

const uws = createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial');

interface Req {
  getCaseSensitiveMethod(): string;
  getUrl(): string;
  getQuery(): string | undefined;
  forEach(cb: (name: string, value: string) => void): void;
}
interface Res {
  onAborted(cb: () => void): void;
  writeHeader(k: string, v: string): Res;
  end(d?: string): void;
}

let seen = 0;
uws
  .App()
  .get('/', (res: Res, req: Req) => {
    const headers: string[] = [];
    req.forEach((name, value) => headers.push(name, value));
    const method = req.getCaseSensitiveMethod();
    const url = req.getUrl();
    const query = req.getQuery() ?? '';
    seen += method.length + url.length + query.length + headers.length;
    res.onAborted(() => {});
    res.writeHeader('content-type', 'text/plain').end('ok');
  })
  .listen('127.0.0.1', 0, (socket: unknown) => console.log(`READY ${uws.us_socket_local_port(socket)}`));
