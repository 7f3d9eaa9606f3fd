// What every parity target answers: the request it saw, as JSON. Shared by
// the wirecore, Hono and reference echo apps so the runner judges one shape,
// and public as `wirecore/parity`, for targets written outside this
// repository (the contract: parity/README.md).
import { createHash } from 'node:crypto';

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
export const PARITY_LIMITS = { maxHeaderBytes: 8 * 1024, maxTargetBytes: 2 * 1024, maxBodyBytes: 16 * 1024 * 1024 };
