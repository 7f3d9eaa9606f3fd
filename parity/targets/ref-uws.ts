// Reference column (informational): raw uWebSockets.js with the same echo.
import { createRequire } from 'node:module';
import { PARITY_LIMITS, PARITY_WEBSOCKET, SeenLog, actionOf, slowAction, describeBody, type Seen } from 'wirecore/parity';

process.env.UWS_HTTP_MAX_HEADERS_SIZE = String(PARITY_LIMITS.maxHeaderBytes);
interface Res {
  onAborted(cb: () => void): void;
  onData(cb: (chunk: ArrayBuffer, last: boolean) => void): void;
  cork(cb: () => void): void;
  writeStatus(s: string): Res;
  writeHeader(k: string, v: string): Res;
  write(d: string): boolean;
  end(d?: string | Uint8Array): void;
  endWithoutBody(): void;
  close(): void;
}
interface Req {
  getUrl(): string;
  getQuery(): string;
  getCaseSensitiveMethod(): string;
  forEach(cb: (k: string, v: string) => void): void;
}
const uws = createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial');
const seen = new SeenLog();

interface UwsSocket {
  send(message: ArrayBuffer, isBinary: boolean): number;
}

uws
  .App()
  // The WebSocket echo as uWS users write it: uWS's own handshake and codec.
  .ws('/*', {
    maxPayloadLength: PARITY_WEBSOCKET.maxPayloadBytes,
    message: (ws: UwsSocket, message: ArrayBuffer, isBinary: boolean) => void ws.send(message, isBinary),
  })
  .any('/*', (res: Res, req: Req) => {
    const query = req.getQuery();
    const path = req.getUrl();
    const target = query ? `${path}?${query}` : path;
    const method = req.getCaseSensitiveMethod();
    const headers: Array<[string, string]> = [];
    req.forEach((k, v) => void headers.push([k, v]));
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
      seen.add(target, 'aborted');
    });
    const reply = (fn: () => void) => !aborted && res.cork(fn);
    if (path.startsWith('/seen/')) return res.end(JSON.stringify(seen.take(path.slice(6))));
    seen.add(target, `${method} ${target}`);
    const chunks: Buffer[] = [];
    const action = actionOf(path);
    const finish = async () => {
      switch (action) {
        case 'slow':
          await slowAction();
          break;
        case 'throw-before':
          return reply(() => res.writeStatus('500 Internal Server Error').end('Internal Server Error\n'));
        case 'throw-after':
          return reply(() => {
            res.write('partial');
            res.close();
          });
        case 'stream':
          return reply(() => {
            res.writeHeader('content-type', 'text/plain');
            for (const part of ['a', 'bb', 'ccc']) res.write(part);
            res.end();
          });
        case 'stream-forever': {
          const timer = setInterval(() => (aborted ? clearInterval(timer) : reply(() => res.write('tick\n'))), 20);
          return;
        }
        case 'status-204':
          return reply(() => res.writeStatus('204 No Content').endWithoutBody());
        case 'status-304':
          return reply(() => res.writeStatus('304 Not Modified').endWithoutBody());
        case 'ignore-body':
          return reply(() => res.end('ignored'));
        case 'static':
        case 'static-hit':
          return reply(() => res.writeHeader('content-type', 'text/plain').end('static hello\n'));
      }
      seen.add(target, 'body-ok');
      const echo: Seen = { method, target, headers, ...describeBody(Buffer.concat(chunks)), trailers: null };
      reply(() => res.writeHeader('content-type', 'application/json').end(JSON.stringify(echo)));
    };
    res.onData((chunk, last) => {
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (last) void finish();
    });
  })
  .listen('127.0.0.1', 0, (socket: unknown) => console.log(`READY ${uws.us_socket_local_port(socket)}`));
