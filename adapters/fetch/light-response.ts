// A Response that keeps a string, bytes or Blob body as it was given, so the
// adapter can send it in one write without a stream round trip (the trick
// @hono/node-server uses). What it reports is what the platform Response
// reports: status, headers with the Content-Type the body implies (fetch
// standard, "extract a body"), body. Anything it does not answer itself
// makes the platform Response once and delegates to it.

const GlobalResponse = globalThis.Response;

type BodyInit = ConstructorParameters<typeof Response>[0];
type HeadersInit = NonNullable<ResponseInit['headers']>;

/** A body whose bytes are at hand without reading a stream. */
export type KnownBody = string | Uint8Array | Blob | null;

const sourceKey = Symbol('source');
const initKey = Symbol('init');
const typeKey = Symbol('type');
const headersKey = Symbol('headers');
const realKey = Symbol('real');
const derivedKey = Symbol('derived');

/** What the fetch standard gives a string body (and the JSON one, for Response.json). */
export const TEXT_TYPE = 'text/plain;charset=UTF-8';
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';
const JSON_TYPE = 'application/json';

interface Init {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export class LightResponse {
  /** The body as given, or undefined when the platform Response holds it (a stream, FormData). */
  [sourceKey]: KnownBody | undefined;
  [initKey]: Init | undefined;
  /** The Content-Type the body implies, added unless the headers name one. */
  [typeKey]: string | undefined;
  [headersKey]: Headers | undefined;
  [realKey]: Response | undefined;
  /**
   * A null-body response made from another one (`new Response(null, getAnswer)`, how Hono
   * and other routers answer HEAD) keeps that one, so HEAD can state the GET answer's length.
   */
  [derivedKey]: LightResponse | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    // A Response used as the init gives its status, statusText and a copy of its headers.
    let from: LightResponse | undefined;
    if (init instanceof GlobalResponse) {
      if (sourceKey in init) from = init as unknown as LightResponse;
      init = { status: init.status, statusText: init.statusText, headers: new Headers(init.headers) };
    }
    this[initKey] = init as Init | undefined;
    this[typeKey] = undefined;
    this[headersKey] = undefined;
    this[realKey] = undefined;
    this[derivedKey] = undefined;
    if (body === undefined || body === null) {
      this[sourceKey] = null;
      // A null-body answer made from another one states that one's length (0 for its own null body).
      if (from !== undefined && from[sourceKey] !== undefined) this[derivedKey] = from[derivedKey] ?? from;
    } else if (typeof body === 'string') {
      this[sourceKey] = body;
      this[typeKey] = TEXT_TYPE;
    } else if (body instanceof Uint8Array) {
      this[sourceKey] = body;
    } else if (body instanceof ArrayBuffer) {
      this[sourceKey] = new Uint8Array(body);
    } else if (ArrayBuffer.isView(body)) {
      this[sourceKey] = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    } else if (body instanceof Blob) {
      this[sourceKey] = body;
      if (body.type !== '') this[typeKey] = body.type;
    } else if (body instanceof URLSearchParams) {
      this[sourceKey] = body.toString();
      this[typeKey] = FORM_TYPE;
    } else {
      this[sourceKey] = undefined;
      this[realKey] = new GlobalResponse(body, init);
    }
  }

  // Real Responses (from fetch(), Response.error() …) still count as Responses.
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalResponse;
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data);
    if (body === undefined) throw new TypeError('Response.json: the value is not JSON serializable');
    const response = new LightResponse(body, init);
    response[typeKey] = JSON_TYPE;
    return response as unknown as Response;
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

  get statusText(): string {
    return this[realKey]?.statusText ?? this[initKey]?.statusText ?? '';
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  /** Made on first use, without the platform Response; middleware that sets headers changes what is sent. */
  get headers(): Headers {
    const real = this[realKey];
    if (real !== undefined) return real.headers;
    let headers = this[headersKey];
    if (headers === undefined) {
      headers = this[headersKey] = new Headers(this[initKey]?.headers);
      const type = this[typeKey];
      if (type !== undefined && !headers.has('content-type')) headers.set('content-type', type);
    }
    return headers;
  }

  get bodyUsed(): boolean {
    return this[realKey]?.bodyUsed ?? false;
  }

  get type(): Response['type'] {
    return this[realKey]?.type ?? 'default';
  }

  get url(): string {
    return this[realKey]?.url ?? '';
  }

  get redirected(): boolean {
    return this[realKey]?.redirected ?? false;
  }
}

/** The platform Response, made once, with the headers as they are now. */
function realResponse(self: LightResponse): Response {
  let real = self[realKey];
  if (real === undefined) {
    const init = self[initKey];
    const source = self[sourceKey] as Exclude<KnownBody, undefined>;
    real = new GlobalResponse(source, { status: init?.status ?? 200, statusText: init?.statusText ?? '', headers: self.headers });
    self[realKey] = real;
  }
  return real;
}

const ownNames = new Set(Object.getOwnPropertyNames(LightResponse.prototype));
for (const name of Object.getOwnPropertyNames(GlobalResponse.prototype)) {
  if (ownNames.has(name)) continue;
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

/** A LightResponse's parts, for the adapter's fast path. */
export interface LightParts {
  status: number;
  /** The live Headers once made, else the headers as given (Headers, pairs or a record). */
  given: HeadersInit | undefined;
  /** Added when `given` names no Content-Type (the live Headers already carry it). */
  impliedType: string | undefined;
  body: KnownBody;
  /** For a null body made from another response: that response's body, whose length HEAD states. */
  derived: KnownBody | undefined;
}

/**
 * The parts of a LightResponse whose body is still the one it was given:
 * undefined for any other Response, or when the platform Response took a
 * stream, or its body was read (then its stream is what is left to send).
 */
export function lightParts(response: Response): LightParts | undefined {
  if (!(sourceKey in response)) return undefined;
  const light = response as unknown as LightResponse;
  const body = light[sourceKey];
  if (body === undefined) return undefined;
  const real = light[realKey];
  if (real !== undefined) {
    // Made real (clone(), .body …): the bytes still stand for its body while nothing has read it.
    if (real.bodyUsed || real.body?.locked === true) return undefined;
    void real.body?.cancel().catch(() => {});
    return { status: real.status, given: real.headers, impliedType: undefined, body, derived: undefined };
  }
  const headers = light[headersKey];
  const derived = light[derivedKey]?.[sourceKey];
  return {
    status: light[initKey]?.status ?? 200,
    given: headers ?? light[initKey]?.headers,
    impliedType: headers === undefined ? light[typeKey] : undefined,
    body,
    derived: derived === undefined ? undefined : derived,
  };
}

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
