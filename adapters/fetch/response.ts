// Writes a web Response through the ResponseWriter: a string or bytes body
// with one send(), a stream as chunks that wait for the writer's
// backpressure and are cancelled when the client leaves.
import type { ResponseWriter, WireRequest, Written } from 'wirecore';

const GlobalResponse = globalThis.Response;
const bodyKey = Symbol('body');
const initKey = Symbol('init');
const realKey = Symbol('real');

type Body = string | Uint8Array | null;
type BodyInit = ConstructorParameters<typeof Response>[0];
type HeadersInit = NonNullable<ResponseInit['headers']>;

/**
 * A Response that keeps a string or bytes body as it was given, so the
 * adapter can send it without a stream round trip. Anything else a handler
 * asks of it makes the real Response once.
 */
export class LightResponse {
  [bodyKey]: Body;
  [initKey]: ResponseInit | undefined;
  [realKey]: Response | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    if (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array) {
      this[bodyKey] = body ?? null;
      this[initKey] = init;
    } else {
      this[bodyKey] = null;
      this[realKey] = new GlobalResponse(body, init);
    }
  }

  // Real Responses (from fetch(), Response.error() …) still count as Responses.
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalResponse;
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const headers = new Headers(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new LightResponse(JSON.stringify(data), { ...init, headers }) as unknown as Response;
  }

  static error(): Response {
    return GlobalResponse.error();
  }

  static redirect(url: string | URL, status?: number): Response {
    return GlobalResponse.redirect(url, (status ?? 302) as 302);
  }

  get status(): number {
    return this[realKey]?.status ?? this[initKey]?.status ?? 200;
  }
}

function realResponse(self: LightResponse): Response {
  return (self[realKey] ??= new GlobalResponse(self[bodyKey], self[initKey]));
}

for (const name of Object.getOwnPropertyNames(GlobalResponse.prototype)) {
  if (name === 'constructor' || name === 'status') continue;
  const descriptor = Object.getOwnPropertyDescriptor(GlobalResponse.prototype, name)!;
  if (typeof descriptor.value === 'function') {
    Object.defineProperty(LightResponse.prototype, name, {
      value(this: LightResponse, ...args: unknown[]) {
        const response = realResponse(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return response[name]!.apply(response, args);
      },
    });
  } else if (descriptor.get) {
    Object.defineProperty(LightResponse.prototype, name, {
      get(this: LightResponse) {
        return (realResponse(this) as unknown as Record<string, unknown>)[name];
      },
    });
  }
}
Object.setPrototypeOf(LightResponse.prototype, GlobalResponse.prototype);

let installs = 0;

/**
 * Replaces the global Response with LightResponse (as @hono/node-server
 * does); returns the undo. Installs are counted: the platform's Response
 * comes back when the last one is undone.
 */
export function installLightResponse(): () => void {
  if (installs++ === 0) globalThis.Response = LightResponse as unknown as typeof Response;
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--installs === 0) globalThis.Response = GlobalResponse;
  };
}

function pairsOf(headers: HeadersInit | undefined): Array<[string, string]> {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers];
  if (Array.isArray(headers)) return headers.map(([k, v]) => [k!, v!]);
  return Object.entries(headers as Record<string, string>);
}

async function writeStream(res: ResponseWriter, wire: WireRequest, status: number, headers: Array<[string, string]>, body: ReadableStream<Uint8Array>): Promise<Written> {
  const reader = body.getReader();
  res.startChunked(status, headers);
  const cancel = () => void reader.cancel().catch(() => {});
  wire.signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const wait = res.writeChunk(value);
      if (wait !== true) await wait;
      if (res.aborted) {
        cancel();
        break;
      }
    }
  } finally {
    wire.signal.removeEventListener('abort', cancel);
  }
  return res.endChunked();
}

export async function writeResponse(res: ResponseWriter, wire: WireRequest, response: Response): Promise<Written> {
  if (bodyKey in response && (response as unknown as LightResponse)[realKey] === undefined) {
    const light = response as unknown as LightResponse;
    const init = light[initKey];
    return res.send({ status: init?.status ?? 200, headers: pairsOf(init?.headers), body: light[bodyKey] });
  }
  const headers = [...response.headers];
  if (response.body === null) return res.send({ status: response.status, headers });
  return writeStream(res, wire, response.status, headers, response.body);
}
