// A raw TCP client for black-box wire tests: sends exact bytes, collects
// every byte back, and judges them with the strict response parser.
import net from 'node:net';
import { parseResponses, type ParsedResponse } from 'wirecore/testing';

export interface RawResult {
  responses: ParsedResponse[];
  raw: Buffer;
  /** The server closed the connection (FIN or reset). */
  closed: boolean;
  parseError: string | null;
}

export interface RawOptions {
  /** Resolve once this many responses have arrived (default: wait for close). */
  responses?: number;
  /** Indexes of HEAD requests, so their bodiless answers parse. */
  headRequests?: number[];
  /** Give up after this long (a failure guard, not a wait). */
  timeoutMs?: number;
  /** Called after each part is written, before the next. */
  between?: (index: number, received: () => Buffer) => Promise<void> | void;
}

export function header(response: ParsedResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < response.headers.length; i += 2) if (response.headers[i]!.toLowerCase() === lower) return response.headers[i + 1];
  return undefined;
}

export function rawRequest(port: number, parts: string | Buffer | Array<string | Buffer>, options: RawOptions = {}): Promise<RawResult> {
  const list = Array.isArray(parts) ? parts : [parts];
  const isHead = (i: number) => options.headRequests?.includes(i) ?? false;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let settled = false;
    const received = () => Buffer.concat(chunks);
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const raw = received();
      const parsed = parseResponses(raw, { eof: closed, isHeadRequest: isHead });
      socket.destroy();
      resolve({ responses: parsed.responses, raw, closed, parseError: parsed.error });
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new Error(`raw request timed out; received: ${JSON.stringify(received().toString('latin1').slice(0, 400))}`));
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (options.responses !== undefined) {
        const parsed = parseResponses(received(), { isHeadRequest: isHead });
        if (parsed.responses.length >= options.responses && !parsed.incomplete) finish();
      }
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => {});
    socket.once('connect', async () => {
      for (let i = 0; i < list.length; i++) {
        const part = list[i]!;
        socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
        if (options.between && i < list.length - 1) await options.between(i, received);
      }
    });
  });
}

/** Resolves when `predicate` holds for the bytes received so far. */
export function waitForBytes(received: () => Buffer, predicate: (b: Buffer) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate(received())) resolve();
      else if (Date.now() - started > 5000) reject(new Error('expected bytes never arrived'));
      else setTimeout(check, 2);
    };
    check();
  });
}
