// What a handler chose, written: one send() for a value (compressed and with
// CORS headers on routes with those features), chunks with backpressure for a
// stream, and every failure answered as the error handler or a problem+json
// says (or logged and dropped once the head is out).
import type { Written } from 'wirecore';
import { BYTES_TYPE, JSON_TYPE, PROBLEM_HEADERS, PROBLEM_TYPE, TEXT_TYPE, featureHeaders, headersFor } from './answer.js';
import type { Encoding } from './compress.js';
import { REPLIED } from './context.js';
import { HttpError, toHttpError } from './errors.js';
import { LOGGED } from './logger.js';
import type { AnyContext, CompiledRoute, Payload } from './route.js';

const BARE_500 = JSON.stringify(new HttpError(500).toProblem());

function isAsyncIterable(value: object): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Turns what the handler chose into one write. `schemas`: use the route's response serializers. */
export function finish(route: CompiledRoute, c: AnyContext, value: unknown, schemas: boolean): Written | Promise<Written> {
  if (value === REPLIED) value = c.payload;
  if (c.res.headersSent) return answeredRaw(route, c, value as Written | undefined);
  try {
    let status = c.statusCode;
    let type = c.contentType;
    let body: Payload;
    if (value === undefined) {
      body = null;
      if (!c.statusSet) status = 204;
    } else if (typeof value === 'object' && value !== null && value.constructor !== Object && !Array.isArray(value) && (value instanceof Uint8Array || isAsyncIterable(value))) {
      body = value as Uint8Array | AsyncIterable<string | Uint8Array>;
      type ??= BYTES_TYPE;
    } else {
      const serialize = schemas ? route.serializers[status] : undefined;
      if (serialize !== undefined) {
        body = serialize(value);
        type ??= JSON_TYPE;
      } else if (typeof value === 'string') {
        body = value;
        type ??= TEXT_TYPE;
      } else {
        body = JSON.stringify(value) ?? null;
        type ??= JSON_TYPE;
      }
    }
    if (route.hooks.onSend.length !== 0) return sendAfterHooks(route, c, status, type, body);
    return write(route, c, status, type, body);
  } catch (error) {
    return fail(route, c, error);
  }
}

async function sendAfterHooks(route: CompiledRoute, c: AnyContext, status: number, type: string | null, body: Payload): Promise<Written> {
  try {
    for (const hook of route.hooks.onSend) body = await hook(c, body);
    // A hook may have set headers or the status.
    return write(route, c, c.statusSet ? c.statusCode : status, c.contentType ?? type, body);
  } catch (error) {
    return fail(route, c, error);
  }
}

function write(route: CompiledRoute, c: AnyContext, status: number, type: string | null, body: Payload): Written | Promise<Written> {
  if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) return writeStream(route, c, status, type, body);
  if (route.features !== null) return writeWithFeatures(route, c, status, body === null && c.contentType === null ? null : type, body);
  const written = c.res.send({ status, headers: headersFor(route, c, body === null && c.contentType === null ? null : type), body });
  if (route.hooks.onResponse.length !== 0) report(route, c, written);
  return written;
}

function isThenableBytes(value: Uint8Array | Promise<Uint8Array>): value is Promise<Uint8Array> {
  return !(value instanceof Uint8Array);
}

/** Whether an answer with this status and type may be compressed (and so varies by Accept-Encoding). */
function mayCompress(route: CompiledRoute, c: AnyContext, status: number, type: string | null): boolean {
  const policy = route.features!.compression;
  return policy !== null && status >= 200 && status !== 204 && status !== 206 && status !== 304 && policy.compressible(type) && !hasHeader(c, 'content-encoding');
}

function hasHeader(c: AnyContext, name: string): boolean {
  const list = c.responseHeaders;
  if (list === null) return false;
  for (const pair of list) if (pair[0].toLowerCase() === name) return true;
  return false;
}

/** A whole body on a route with CORS or compression: compressed above the threshold when the client accepts an encoding, then one send. */
function writeWithFeatures(route: CompiledRoute, c: AnyContext, status: number, type: string | null, body: string | Uint8Array | null): Written | Promise<Written> {
  const policy = route.features!.compression;
  if (policy !== null && body !== null && mayCompress(route, c, status, type)) {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    if (size >= policy.threshold) {
      const encoding = policy.negotiate(c.req.headers.get('accept-encoding'));
      if (encoding === null) return sendWithFeatures(route, c, status, type, body, null, true);
      const compressed = policy.compress(typeof body === 'string' ? Buffer.from(body) : body, encoding);
      if (isThenableBytes(compressed)) {
        return compressed.then(
          (bytes) => sendWithFeatures(route, c, status, type, bytes, encoding, true),
          (error: unknown) => fail(route, c, error),
        );
      }
      return sendWithFeatures(route, c, status, type, compressed, encoding, true);
    }
  }
  return sendWithFeatures(route, c, status, type, body, null, false);
}

function sendWithFeatures(route: CompiledRoute, c: AnyContext, status: number, type: string | null, body: string | Uint8Array | null, encoding: Encoding | null, varies: boolean): Written {
  const written = c.res.send({ status, headers: featureHeaders(route, c, type, encoding, varies), body });
  if (route.hooks.onResponse.length !== 0) report(route, c, written);
  return written;
}

/**
 * Sends an async iterable chunk by chunk, awaiting the writer's backpressure.
 * The first chunk is pulled before the head, so a stream that fails at once
 * still gets a proper error answer, and a text stream gets a text type.
 */
async function writeStream(route: CompiledRoute, c: AnyContext, status: number, type: string | null, body: AsyncIterable<string | Uint8Array>): Promise<Written> {
  const res = c.res;
  let iterator: AsyncIterator<string | Uint8Array>;
  let first: IteratorResult<string | Uint8Array>;
  try {
    iterator = body[Symbol.asyncIterator]();
    first = await iterator.next();
    if (!first.done) checkChunk(first.value);
  } catch (error) {
    return fail(route, c, error);
  }
  if (c.contentType === null && !first.done && typeof first.value === 'string') type = TEXT_TYPE;
  let encoding: Encoding | null = null;
  try {
    if (route.features === null) res.startChunked(status, headersFor(route, c, type));
    else {
      const compress = mayCompress(route, c, status, type);
      if (compress && !first.done) encoding = route.features.compression!.negotiate(c.req.headers.get('accept-encoding'));
      res.startChunked(status, featureHeaders(route, c, type, encoding, compress));
    }
  } catch (error) {
    await iterator.return?.()?.catch(() => {});
    return fail(route, c, error);
  }
  if (c.req.method === 'HEAD') {
    // The head is all a HEAD answer has: the stream is not run.
    await iterator.return?.()?.catch(() => {});
    return endStream(route, c);
  }
  if (encoding !== null) {
    // The compressor pulls from the source (first chunk included) and is pulled by the loop below.
    const source = iterator;
    let sentFirst = false;
    const rest: AsyncIterator<string | Uint8Array> = {
      next: () => {
        if (sentFirst) return source.next();
        sentFirst = true;
        return Promise.resolve(first);
      },
      return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    };
    iterator = route.features!.compression!.stream(rest, encoding)[Symbol.asyncIterator]();
    try {
      first = await iterator.next();
    } catch (error) {
      await iterator.return?.()?.catch(() => {});
      throw afterHead(route, c, error);
    }
  }
  try {
    for (let step = first; !step.done; step = await iterator.next()) {
      checkChunk(step.value);
      const wait = res.writeChunk(step.value);
      if (wait !== true) await wait;
      if (res.aborted) {
        await iterator.return?.();
        break;
      }
    }
  } catch (error) {
    if (!res.aborted) await iterator.return?.()?.catch(() => {});
    throw afterHead(route, c, error);
  }
  return endStream(route, c);
}

function endStream(route: CompiledRoute, c: AnyContext): Written {
  const written = c.res.endChunked();
  if (route.hooks.onResponse.length !== 0) report(route, c, written);
  return written;
}

function checkChunk(value: unknown): void {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) throw new TypeError(`a streamed body yielded ${value === null ? 'null' : typeof value}: yield strings or bytes`);
}

/** The handler answered through `c.res` itself. */
function answeredRaw(route: CompiledRoute, c: AnyContext, written: Written | undefined): Written {
  if (written !== undefined && route.hooks.onResponse.length !== 0) report(route, c, written);
  return written as Written;
}

function report(route: CompiledRoute, c: AnyContext, written: Written): void {
  for (const hook of route.hooks.onResponse) {
    try {
      hook(c, written);
    } catch (error) {
      route.settings.logger.error({ reqId: c.requestId, err: error }, 'onResponse hook threw');
    }
  }
}

/** A failure after the head is on the wire: log it with the request id; the wire layer then drops the connection. */
function afterHead(route: CompiledRoute, c: AnyContext, error: unknown): unknown {
  if (!c.res.aborted) route.settings.logger.error({ reqId: c.requestId, method: c.req.method, url: c.req.target, err: error }, 'request failed after the response head');
  const marked = error !== null && typeof error === 'object' ? error : new Error(String(error));
  (marked as { [LOGGED]?: boolean })[LOGGED] = true;
  return marked;
}

/** Every failure ends here: onError hooks, then the error handler or the problem+json answer. */
export function fail(route: CompiledRoute, c: AnyContext, error: unknown): Written | Promise<Written> {
  if (c.res.headersSent) throw afterHead(route, c, error);
  if (c.failed) return bareFailure(route, c, error);
  c.failed = true;
  if (route.hooks.onError.length !== 0 || route.errorHandler !== null) return failThroughHandlers(route, c, error);
  return answerProblem(route, c, error);
}

async function failThroughHandlers(route: CompiledRoute, c: AnyContext, error: unknown): Promise<Written> {
  for (const hook of route.hooks.onError) {
    try {
      await hook(c, error);
    } catch (hookError) {
      route.settings.logger.error({ reqId: c.requestId, err: hookError }, 'onError hook threw');
    }
  }
  if (c.res.headersSent) throw afterHead(route, c, error);
  const handler = route.errorHandler;
  if (handler === null) return answerProblem(route, c, error);
  resetReply(c);
  let value: unknown;
  try {
    value = await handler(error, c as never);
  } catch (handlerError) {
    if (c.res.headersSent) throw afterHead(route, c, handlerError);
    return answerProblem(route, c, handlerError);
  }
  return finish(route, c, value, false);
}

function resetReply(c: AnyContext): void {
  c.responseHeaders = null;
  c.contentType = null;
  c.statusCode = 500;
  c.statusSet = false;
  c.payload = undefined;
}

function logFailure(route: CompiledRoute, c: AnyContext, error: unknown): void {
  if (c.res.aborted) return;
  route.settings.logger.error({ reqId: c.requestId, method: c.req.method, url: c.req.target, err: error }, 'request failed');
}

/** RFC 9457 problem details; 5xx expose nothing internal and carry the request id. Headers set before the throw are dropped. */
function answerProblem(route: CompiledRoute, c: AnyContext, error: unknown): Written | Promise<Written> {
  const http = toHttpError(error);
  if (http.status >= 500) logFailure(route, c, error);
  resetReply(c);
  if (http.headers !== undefined) for (const name in http.headers) c.header(name, http.headers[name]!);
  c.status(http.status);
  c.contentType = PROBLEM_TYPE;
  const problem = http.toProblem(c.req.path);
  if (http.status >= 500) problem.requestId = c.requestId;
  return finish(route, c, JSON.stringify(problem), false);
}

/** The error path itself failed: a plain 500, no hooks. */
function bareFailure(route: CompiledRoute, c: AnyContext, error: unknown): Written {
  logFailure(route, c, error);
  return c.res.send({ status: 500, headers: PROBLEM_HEADERS, body: BARE_500 });
}
