// What every parity target answers: the request it saw, as JSON. Shared by
// the wirecore, Hono and reference echo apps so the runner judges one shape,
// and public as `wirecore/parity`, for targets written outside this
// repository (the contract: parity/README.md).
import { createHash } from 'node:crypto';
import type { ResponseWriter, StaticResponse, WireRequest, Written } from 'wirecore';

export interface Seen {
  method: string;
  target: string;
  /** Absent where the target cannot tell (fetch handlers). */
  version?: string;
  /** Name/value pairs as the target sees them. */
  headers: Array<[string, string]>;
  bodyLength: number;
  bodySha256: string;
  /** The body as latin1 text when it is short. */
  body?: string;
  trailers: Array<[string, string]> | null;
}

export function describeBody(bytes: Uint8Array): Pick<Seen, 'bodyLength' | 'bodySha256' | 'body'> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    bodyLength: buf.length,
    bodySha256: createHash('sha256').update(buf).digest('hex'),
    ...(buf.length <= 4096 ? { body: buf.toString('latin1') } : {}),
  };
}

export function pairs(flat: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** The case a request belongs to: every case's targets start with /c/<id>/. */
export function caseOf(target: string): string {
  const path = target.startsWith('/') ? target : target.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const match = /^\/c\/([^/?]+)/.exec(path);
  return match ? match[1]! : '';
}

/** What each echo app remembers per case, for "nothing reached the application". */
export class SeenLog {
  private readonly log = new Map<string, string[]>();

  add(target: string, entry: string): void {
    const id = caseOf(target);
    if (id === '') return;
    const list = this.log.get(id) ?? [];
    list.push(entry);
    this.log.set(id, list);
  }

  take(id: string): string[] {
    const list = this.log.get(id) ?? [];
    this.log.delete(id);
    return list;
  }
}

/** What every echo app does for the "slow" action before it echoes. */
export function slowAction(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

/** The path's last segment picks the behaviour ("/c/<id>/slow" …). */
export function actionOf(path: string): string {
  const rest = path.replace(/^\/c\/[^/]+/, '');
  return rest.replace(/^\//, '').split('?')[0] ?? '';
}

export const PARITY_TIMEOUTS = { headersTimeoutMs: 300, keepAliveTimeoutMs: 400, requestTimeoutMs: 2000 };
/** The WebSocket echo every target with webSocket serves at {P}/ws. */
export const PARITY_WEBSOCKET = { maxPayloadBytes: 64 * 1024 };
export const PARITY_LIMITS = { maxHeaderBytes: 8 * 1024, maxTargetBytes: 2 * 1024, maxBodyBytes: 16 * 1024 * 1024 };

/** Reads the whole body and says what the request was, logging body-ok or body-error for the case. */
export async function readSeen(seen: SeenLog, req: WireRequest): Promise<Seen> {
  let body: Uint8Array;
  try {
    body = await req.body.bytes();
  } catch (error) {
    seen.add(req.target, 'body-error');
    throw error;
  }
  seen.add(req.target, 'body-ok');
  return {
    method: req.method,
    target: req.target,
    version: req.httpVersion,
    headers: pairs(req.headers.raw),
    ...describeBody(body),
    trailers: req.body.trailers ? pairs(req.body.trailers.raw) : null,
  };
}

/** The echo as JSON, with a bounded copy in a header (cases that check the answer's head read it there). */
export function echoJson(echo: Seen): { json: string; header: string } {
  const json = JSON.stringify(echo);
  return { json, header: Buffer.from(json).toString('base64').slice(0, 2048) };
}

/**
 * The whole echo contract for a wirecore handler that has the request and
 * the ResponseWriter (a raw dispatch, an SSR endpoint): every action, then
 * the echo. `staticHello` answers the `static` action.
 */
export async function answerEcho(seen: SeenLog, req: WireRequest, res: ResponseWriter, staticHello: StaticResponse): Promise<Written> {
  seen.add(req.target, `${req.method} ${req.target}`);
  switch (actionOf(req.path)) {
    case 'slow':
      await slowAction();
      break;
    case 'throw-before':
      throw new Error('parity: thrown before the head');
    case 'throw-after':
      res.startChunked(200);
      await res.writeChunk('partial');
      throw new Error('parity: thrown after the head');
    case 'stream':
      res.startChunked(200, { 'content-type': 'text/plain' });
      for (const part of ['a', 'bb', 'ccc']) await res.writeChunk(part);
      return res.endChunked();
    case 'stream-forever': {
      res.startChunked(200);
      req.signal.addEventListener('abort', () => seen.add(req.target, 'aborted'));
      while (!res.aborted) {
        await res.writeChunk('tick\n');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return res.endChunked();
    }
    case 'status-204':
      return res.send({ status: 204, body: 'ignored' });
    case 'status-304':
      return res.send({ status: 304, body: 'ignored' });
    case 'ignore-body':
      return res.send({ body: 'ignored' });
    case 'static':
      return res.sendStatic(staticHello);
  }
  const { json, header } = echoJson(await readSeen(seen, req));
  return res.send({ headers: { 'content-type': 'application/json', 'x-echo': header }, body: json });
}
