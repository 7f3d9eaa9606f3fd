// Baseline: raw uWebSockets.js serving the same bytes as bench/hello.ts.
import { createRequire } from 'node:module';
import { CHUNK_4K as chunk } from './chunk.js';

const uws = createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial');

interface Res {
  onAborted(cb: () => void): void;
  onData(cb: (c: ArrayBuffer, last: boolean) => void): void;
  cork(cb: () => void): void;
  writeHeader(k: string, v: string): Res;
  write(d: string): boolean;
  end(d?: string | Uint8Array): void;
}

uws
  .App()
  .get('/', (res: Res) => res.writeHeader('content-type', 'text/plain').end('ok'))
  .get('/chunked', (res: Res) => {
    res.writeHeader('content-type', 'text/plain');
    for (let i = 0; i < 16; i++) res.write(chunk);
    res.end();
  })
  .post('/echo', (res: Res) => {
    let aborted = false;
    const parts: Buffer[] = [];
    res.onAborted(() => (aborted = true));
    res.onData((c, last) => {
      parts.push(Buffer.from(new Uint8Array(c)));
      if (last && !aborted) res.cork(() => res.writeHeader('content-type', 'application/json').end(Buffer.concat(parts)));
    });
  })
  .listen('127.0.0.1', 0, (socket: unknown) => console.log(`READY ${uws.us_socket_local_port(socket)}`));
