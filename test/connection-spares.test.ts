// A keep-alive connection between requests holds no parser and no output
// batch: it hands them to the server's spares and takes one back when bytes
// arrive. Connections that take turns with them must keep their own state:
// a head cut in two, a refused request, an answer given after its read.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { DispatchFn } from 'wirecore';
import { parseResponses, type ParsedResponse } from 'wirecore/testing';
import { resolveOptions } from '../src/options.js';
import { ServerCore } from '../src/runtime/core.js';
import { Connection } from '../src/runtime/stream/connection.js';
import type { Transport } from '../src/runtime/transport.js';
import { start } from './helpers/servers.js';

/** A raw client that hands over each answer as it completes. */
function client(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let taken = 0;
  let closed = false;
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  return {
    send: (text: string) => void socket.write(text),
    async next(): Promise<ParsedResponse> {
      for (;;) {
        const { responses } = parseResponses(received, { eof: closed });
        if (responses.length > taken) return responses[taken++]!;
        if (closed) throw new Error(`closed after ${taken} answers`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    end: () => socket.destroy(),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const later = new Map<string, Promise<void>>();

const echo: DispatchFn<null> = async (_ctx, req, res) => {
  const id = req.headers.get('x-id') ?? '-';
  await later.get(id);
  return res.send({ headers: { 'content-type': 'text/plain' }, body: `${req.method} ${req.path} ${id}` });
};

const get = (path: string, id: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Id: ${id}\r\n\r\n`;

describe('connections sharing spare parsers and outputs (net)', () => {
  it('keep their own head, verdict and answers while others take turns', async () => {
    const server = await start('net', null, echo);
    const a = client(server.port);
    const b = client(server.port);
    const c = client(server.port);
    // a is mid-head: its parser is its own until the head ends.
    a.send('GET /a HTTP/1.1\r\nHost: x\r\nX-I');
    b.send(get('/b1', 'b'));
    expect((await b.next()).body.toString()).toBe('GET /b1 b');
    // b's next request is refused: that parser is not handed on.
    b.send('GET /b2 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect((await b.next()).status).toBe(400);
    c.send(get('/c1', 'c') + get('/c2', 'c'));
    expect((await c.next()).body.toString()).toBe('GET /c1 c');
    expect((await c.next()).body.toString()).toBe('GET /c2 c');
    a.send('d: a\r\n\r\n');
    expect((await a.next()).body.toString()).toBe('GET /a a');
    a.send(get('/a2', 'a'));
    expect((await a.next()).body.toString()).toBe('GET /a2 a');
    for (const x of [a, b, c]) x.end();
  });

  it('an answer given after its read leaves the connection idle, and it goes on', async () => {
    const server = await start('net', null, echo);
    const slow = deferred();
    later.set('slow', slow.promise);
    try {
      const d = client(server.port);
      const e = client(server.port);
      d.send(get('/d1', 'slow'));
      e.send(get('/e1', 'e'));
      expect((await e.next()).body.toString()).toBe('GET /e1 e');
      slow.resolve();
      expect((await d.next()).body.toString()).toBe('GET /d1 slow');
      d.send(get('/d2', 'd'));
      e.send(get('/e2', 'e'));
      expect((await d.next()).body.toString()).toBe('GET /d2 d');
      expect((await e.next()).body.toString()).toBe('GET /e2 e');
      d.end();
      e.end();
    } finally {
      later.delete('slow');
    }
  });
});

describe('StreamSpares', () => {
  const recording = (out: string[]): Transport => ({ remoteAddress: '127.0.0.1', remotePort: 1, write: (d) => {
      out.push(String(d));
      return true;
    }, cork() {}, uncork() {}, end() {}, destroy() {}, pause() {}, resume() {} });

  it('an idle connection hands back its parser and output; the next busy one takes them', async () => {
    const core = new ServerCore<null>(null, echo, resolveOptions({}), null);
    const outA: string[] = [];
    const a = new Connection(core as ServerCore<unknown>, recording(outA));
    a.onData(Buffer.from(get('/a', 'a')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outA.join('')).toContain('GET /a a');
    expect(core.streamSpares!.size).toEqual({ parsers: 1, outputs: 1 });
    const outB: string[] = [];
    const b = new Connection(core as ServerCore<unknown>, recording(outB));
    // Half a head: b keeps the parser it took (a's), and hands back the output, which holds nothing.
    b.onData(Buffer.from('GET /b HTTP/1.1\r\nHo'));
    expect(core.streamSpares!.size).toEqual({ parsers: 0, outputs: 1 });
    b.onData(Buffer.from('st: x\r\nX-Id: b\r\n\r\n'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outB.join('')).toContain('GET /b b');
    expect(outA.join('')).not.toContain('GET /b');
    // A head llhttp read (this one came in two pieces) leaves its state in the parser: b keeps it.
    expect(core.streamSpares!.size).toEqual({ parsers: 0, outputs: 1 });
    a.onData(Buffer.from(get('/a2', 'a')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outA.join('')).toContain('GET /a2 a');
    expect(core.streamSpares!.size).toEqual({ parsers: 1, outputs: 1 });
    a.onClose();
    b.onClose();
  });
});
