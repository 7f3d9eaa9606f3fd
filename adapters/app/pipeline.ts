// One request through a compiled route: onRequest hooks → security →
// middleware onion → body → validation → preHandler hooks → handler, then
// one write (respond.ts): a single send() for a value, chunks with backpressure for a
// stream. Routes without middleware or onRequest/preHandler hooks skip the
// staged path (and are synchronous for a synchronous handler without a body
// or with a security check that is).
import type { Written } from 'wirecore';
import { REPLIED } from './context.js';
import { UnsupportedMediaType, ValidationError, type ValidationIssue } from './errors.js';
import { fail, finish } from './respond.js';
import type { AnyContext, CompiledRoute } from './route.js';

export { BYTES_TYPE, JSON_TYPE, PROBLEM_TYPE, TEXT_TYPE } from './answer.js';
export { fail } from './respond.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

export function runRoute(route: CompiledRoute, c: AnyContext): Written | Promise<Written> {
  if (route.direct) return runHandler(route, c);
  if (route.bodyOnly) return runBodyThenHandler(route, c);
  if (route.authThenPlain) {
    let checking: void | Promise<void>;
    try {
      checking = route.authenticate!(c);
    } catch (error) {
      return fail(route, c, error);
    }
    const next = route.parsers === null ? runHandler : runBodyThenHandler;
    if (checking === undefined) return next(route, c);
    return checking.then(
      () => next(route, c),
      (error: unknown) => fail(route, c, error),
    );
  }
  return runStaged(route, c);
}

/** Reads the body, then validation and the handler. */
function runBodyThenHandler(route: CompiledRoute, c: AnyContext): Written | Promise<Written> {
  let reading: Promise<unknown> | null;
  try {
    reading = readBody(route, c);
  } catch (error) {
    return fail(route, c, error);
  }
  if (reading === null) return runHandler(route, c);
  return reading.then(
    (body) => {
      c.body = body;
      return runHandler(route, c);
    },
    (error: unknown) => fail(route, c, error),
  );
}

/** Validation, the handler and the write, synchronous when the handler is. */
function runHandler(route: CompiledRoute, c: AnyContext): Written | Promise<Written> {
  let value: unknown;
  try {
    validateRequest(route, c);
    c.handled = true;
    value = route.handler(c);
  } catch (error) {
    return fail(route, c, error);
  }
  if (isThenable(value)) {
    return Promise.resolve(value).then(
      (v) => finish(route, c, v, true),
      (error: unknown) => fail(route, c, error),
    );
  }
  return finish(route, c, value, true);
}

async function runStaged(route: CompiledRoute, c: AnyContext): Promise<Written> {
  try {
    const onRequest = route.hooks.onRequest;
    for (let i = 0; i < onRequest.length && !c.replied; i++) await onRequest[i]!(c);
    if (!c.replied && route.authenticate !== null) await route.authenticate(c);
    if (!c.replied) {
      await (route.middleware.length === 0 ? runInner(route, c) : runMiddleware(route, c, 0));
      if (!c.handled && !c.replied) throw new Error(`a middleware of ${route.method} ${route.path} returned without calling next() or replying`);
    }
  } catch (error) {
    return fail(route, c, error);
  }
  return finish(route, c, c.payload, true);
}

async function runMiddleware(route: CompiledRoute, c: AnyContext, index: number): Promise<void> {
  if (index === route.middleware.length) return runInner(route, c);
  let called = false;
  const next = (): Promise<void> => {
    if (called) return Promise.reject(new Error('next() called more than once'));
    called = true;
    return runMiddleware(route, c, index + 1);
  };
  await (route.middleware[index] as (c: AnyContext, next: () => Promise<void>) => unknown)(c, next);
}

/** Body, validation, preHandler hooks and the handler; what it returns becomes c.payload. */
async function runInner(route: CompiledRoute, c: AnyContext): Promise<void> {
  if (route.parsers !== null) {
    const reading = readBody(route, c);
    if (reading !== null) c.body = await reading;
  }
  validateRequest(route, c);
  const preHandler = route.hooks.preHandler;
  for (let i = 0; i < preHandler.length && !c.replied; i++) await preHandler[i]!(c);
  if (c.replied) return;
  c.handled = true;
  const value = await route.handler(c);
  if (value !== REPLIED) c.payload = value;
}

/** The parsed body, or null when the request has none; throws 415 for a type no parser reads. */
function readBody(route: CompiledRoute, c: AnyContext): Promise<unknown> | null {
  const req = c.req;
  if (req.body.length === 0) return null;
  const parsers = route.parsers!;
  const contentType = req.headers.get('content-type');
  if (contentType === undefined) {
    throw new UnsupportedMediaType(`A request body needs a Content-Type; this route accepts ${parsers.mediaTypes.join(', ')}`, { extensions: { accepted: parsers.mediaTypes } });
  }
  const { mediaType, parser } = parsers.resolve(contentType);
  if (parser === undefined) {
    throw new UnsupportedMediaType(`Content-Type ${mediaType} is not accepted here; send one of ${parsers.mediaTypes.join(', ')}`, { extensions: { accepted: parsers.mediaTypes } });
  }
  return parser(req, mediaType);
}

function collect(list: ValidationIssue[] | null, more: ValidationIssue[] | null): ValidationIssue[] | null {
  if (more === null) return list;
  return list === null ? more : list.concat(more);
}

/** Checks every part with a schema (coercing params, query and headers in place); throws one 400 naming every failing path. */
function validateRequest(route: CompiledRoute, c: AnyContext): void {
  let issues: ValidationIssue[] | null = null;
  if (route.validateParams !== null) issues = collect(issues, route.validateParams(c.params));
  if (route.validateQuery !== null) issues = collect(issues, route.validateQuery(c.query));
  if (route.validateHeaders !== null) issues = collect(issues, route.validateHeaders(c.headers));
  if (route.validateCookies !== null) issues = collect(issues, route.validateCookies(c.cookies));
  if (route.validateBody !== null) {
    if (c.body !== undefined) issues = collect(issues, route.validateBody(c.body));
    else if (route.bodyRequired) issues = collect(issues, [{ in: 'body', path: '', message: 'is required', keyword: 'required' }]);
  }
  if (issues !== null) throw new ValidationError(issues);
}
