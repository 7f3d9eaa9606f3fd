// A Request that is built only if the handler needs one. Method, url,
// headers and the body helpers are answered from the WireRequest; anything
// else (clone, formData, a Request constructed from it …) makes the real
// Request once and delegates to it. The trick @hono/node-server and srvx use.
import type { WireRequest } from 'wirecore';

const wireKey = Symbol('wire');
const urlKey = Symbol('url');
const headersKey = Symbol('headers');
const realKey = Symbol('real');
const bodyUsedKey = Symbol('bodyUsed');

interface LazyFields {
  [wireKey]: WireRequest;
  [urlKey]: string;
  [headersKey]: Headers | undefined;
  [realKey]: Request | undefined;
  [bodyUsedKey]: boolean;
}

type Lazy = Request & LazyFields;

/** Methods the fetch standard refuses in new Request(); the real Request is made as GET and reports the wire's method. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Every method but GET and HEAD has a body stream, empty when the message
 * has no content (Content-Length: 0 or none): what @hono/node-server gives,
 * so `request.body.cancel()` and `for await (… of request.body)` work.
 */
function hasBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !FORBIDDEN_METHODS.has(method);
}

/** The wire body as a web ReadableStream, pulled (so backpressure reaches the socket). */
export function bodyStream(wire: WireRequest): ReadableStream<Uint8Array> {
  const iterator = wire.body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

function headersOf(wire: WireRequest): Headers {
  const headers = new Headers();
  const raw = wire.headers.raw;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

function real(self: Lazy): Request {
  let request = self[realKey];
  if (request === undefined) {
    const wire = self[wireKey];
    const method = wire.method;
    const forbidden = FORBIDDEN_METHODS.has(method);
    const init: RequestInit & { duplex?: 'half' } = { method: forbidden ? 'GET' : method, headers: self.headers, signal: wire.signal };
    const used = self[bodyUsedKey];
    if (hasBody(method)) {
      init.body = used ? new ReadableStream({ start: (controller) => controller.close() }) : bodyStream(wire);
      init.duplex = 'half';
    }
    request = new Request(self[urlKey], init);
    // Read already through text()/json()/arrayBuffer(): the body stays unusable (locked), as @hono/node-server does.
    if (used) request.body?.getReader();
    if (forbidden) Object.defineProperty(request, 'method', { value: method });
    self[realKey] = request;
  }
  return request;
}

function consume(self: Lazy): WireRequest['body'] {
  if (self[bodyUsedKey]) throw new TypeError('Body is unusable: it has already been read');
  self[bodyUsedKey] = true;
  return self[wireKey].body;
}

const prototype = {
  get method(): string {
    return (this as unknown as Lazy)[wireKey].method;
  },
  get url(): string {
    return (this as unknown as Lazy)[urlKey];
  },
  get headers(): Headers {
    const self = this as unknown as Lazy;
    return (self[headersKey] ??= headersOf(self[wireKey]));
  },
  get signal(): AbortSignal {
    return (this as unknown as Lazy)[wireKey].signal;
  },
  get bodyUsed(): boolean {
    const self = this as unknown as Lazy;
    return self[bodyUsedKey] || (self[realKey]?.bodyUsed ?? false);
  },
  // Read straight from the wire, bounded by maxBodyBytes.
  async arrayBuffer(): Promise<ArrayBuffer> {
    const self = this as unknown as Lazy;
    if (self[realKey] !== undefined) return self[realKey].arrayBuffer();
    const bytes = await consume(self).bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  },
  async text(): Promise<string> {
    const self = this as unknown as Lazy;
    return self[realKey] !== undefined ? self[realKey].text() : consume(self).text();
  },
  async json(): Promise<unknown> {
    const self = this as unknown as Lazy;
    return self[realKey] !== undefined ? self[realKey].json() : consume(self).json();
  },
};

// Everything else is the real Request's.
for (const name of ['body', 'cache', 'credentials', 'destination', 'integrity', 'keepalive', 'mode', 'redirect', 'referrer', 'referrerPolicy', 'duplex']) {
  Object.defineProperty(prototype, name, {
    get(this: Lazy) {
      return (real(this) as unknown as Record<string, unknown>)[name];
    },
  });
}
for (const name of ['blob', 'bytes', 'clone', 'formData']) {
  Object.defineProperty(prototype, name, {
    value(this: Lazy, ...args: unknown[]) {
      const request = real(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return request[name]!.apply(request, args);
    },
  });
}
Object.setPrototypeOf(prototype, Request.prototype);

/** `scheme` is how the client reached the server ("http" or "https"). */
export function lazyRequest(wire: WireRequest, scheme: string): Request {
  const target = wire.target;
  const url = target.charCodeAt(0) === 0x2f ? `${scheme}://${wire.headers.get('host') || 'localhost'}${target}` : target;
  const self = Object.create(prototype) as Lazy;
  self[wireKey] = wire;
  self[urlKey] = url;
  self[headersKey] = undefined;
  self[realKey] = undefined;
  self[bodyUsedKey] = false;
  return self;
}

/** The wire request behind a Request that wirecore/fetch made, or undefined for any other Request. */
export function wireOf(request: Request): WireRequest | undefined {
  return (request as Partial<Lazy>)[wireKey];
}
