// wirecore/testing: run requests through the real connection code with no
// socket (like light-my-request), and judge raw responses strictly.
import { parseResponses, type ParsedResponse } from './parser/response-parser.js';
import { exchangeBytes } from './runtime/memory.js';
import { WireHeadersImpl } from './runtime/headers.js';
import type { DispatchFn, ServeOptions, WireHeaders } from './types.js';

export { parseResponses, exchangeBytes };
export { encodeProxyHeader, parseProxyHeader, type ProxyHeader, type ProxyHeaderInit } from './proxy/protocol.js';
export type { ParsedResponse, ParseResponsesResult } from './parser/response-parser.js';

export interface InjectRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Uint8Array;
}

export interface InjectResponse {
  status: number;
  headers: WireHeaders;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
  /** Trailer fields of a chunked answer. */
  trailers: WireHeaders | null;
}

function serialize(request: InjectRequest): Buffer {
  const method = request.method ?? 'GET';
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  let head = `${method} ${request.url ?? '/'} HTTP/1.1\r\n`;
  const headers = request.headers ?? {};
  const names = Object.keys(headers).map((n) => n.toLowerCase());
  if (!names.includes('host')) head += 'host: localhost\r\n';
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  if (body !== undefined && !names.includes('content-length') && !names.includes('transfer-encoding')) {
    head += `content-length: ${body.length}\r\n`;
  }
  head += 'connection: close\r\n\r\n';
  return body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Runs one request through `dispatch` on the in-memory runtime. */
export async function inject<C>(ctx: C, dispatch: DispatchFn<C>, request: InjectRequest = {}, options: ServeOptions<C> = {}): Promise<InjectResponse> {
  const bytes = await exchangeBytes(ctx, dispatch, serialize(request), options);
  const parsed = parseResponses(bytes, { eof: true, isHeadRequest: () => (request.method ?? 'GET').toUpperCase() === 'HEAD' });
  const response: ParsedResponse | undefined = parsed.responses[0];
  if (response === undefined) throw new Error(`inject: no valid response (${parsed.error ?? 'connection closed without an answer'})`);
  return {
    status: response.status,
    headers: new WireHeadersImpl(response.headers),
    body: response.body,
    trailers: response.trailers === null ? null : new WireHeadersImpl(response.trailers),
    text: () => response.body.toString('utf8'),
    json: <T>() => JSON.parse(response.body.toString('utf8')) as T,
  };
}
