// OpenTelemetry for every runtime: one SERVER span per request, following
// the HTTP semantic conventions, and the http.server.request.duration
// histogram. The Exchange starts the span at the head, runs the dispatch
// with it active, and ends it with the Written record. @opentelemetry/api is
// an optional peer, imported only when options.tracing asks for it; with no
// tracer and no meter registered a request costs two look-ups.
import type { Attributes, Context, Histogram, Meter, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { OptionError } from '../errors.js';
import type { TracingOptions } from '../types.js';
import type { WrittenRecord } from '../writer/written.js';
import { pathOf, type PeerInfo, type WireRequestImpl } from './request.js';

type Api = typeof import('@opentelemetry/api');

export const OTEL_PACKAGE = '@opentelemetry/api';
const SCOPE = 'wirecore';
/** The convention's advised buckets for http.server.request.duration, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Methods the convention names; any other is reported as _OTHER (clients cannot grow the set). */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** Reads propagation fields (traceparent, tracestate, baggage) from raw header pairs without building a map. */
const RAW_GETTER: TextMapGetter<readonly string[]> = {
  keys: (raw) => raw.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
  get: (raw, key) => {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === key.length && name.toLowerCase() === key) return raw[i + 1];
    }
    return undefined;
  },
};

function header(raw: readonly string[], key: string): string | undefined {
  return RAW_GETTER.get(raw, key) as string | undefined;
}

/** What one request's span and measurement need between its head and its Written. */
export interface RequestTrace {
  readonly span: Span | null;
  /** The context the dispatch runs in (the span inside the propagated parent); null without a span. */
  readonly context: Context | null;
  readonly histogram: Histogram | null;
  readonly method: string;
  readonly scheme: string;
  readonly version: string;
  /** performance.now() at the head (the Written record's clock). */
  readonly startedAt: number;
  errorType: string | undefined;
}

/** Host header → server.address and server.port (the scheme's port when the header names none). */
function serverOf(host: string | undefined, scheme: string): [string, number] | undefined {
  if (host === undefined || host === '') return undefined;
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.lastIndexOf(':');
  const hasPort = colon > bracket && (bracket !== -1 || host.indexOf(':') === colon);
  const name = hasPort ? host.slice(0, colon) : host;
  const port = hasPort ? Number(host.slice(colon + 1)) : scheme === 'https' ? 443 : 80;
  return [bracket !== -1 ? name.slice(1, -1) : name, Number.isInteger(port) ? port : scheme === 'https' ? 443 : 80];
}

export class Tracing {
  private readonly noopTracerProvider: unknown;
  private readonly noopMeter: Meter;
  private tracerFrom: unknown = null;
  private tracer: Tracer | null = null;
  private meterFrom: unknown = null;
  private histogram: Histogram | null = null;

  constructor(
    private readonly api: Api,
    private readonly options: TracingOptions,
    private readonly secure: boolean,
    private readonly logError: (message: string, error?: unknown) => void,
  ) {
    // The global provider is a proxy: its delegate is this no-op until an SDK registers.
    this.noopTracerProvider = new api.ProxyTracerProvider().getDelegate();
    this.noopMeter = api.createNoopMeter();
  }

  /** The tracer to use now, or null when none is registered (looked up per request: an SDK may register after start-up). */
  private currentTracer(): Tracer | null {
    const explicit = this.options.tracerProvider;
    if (explicit !== undefined) return (this.tracer ??= explicit.getTracer(SCOPE) as Tracer);
    const global = this.api.trace.getTracerProvider() as { getDelegate?(): unknown };
    const delegate = (typeof global.getDelegate === 'function' ? global.getDelegate() : global) as { getTracer(name: string): Tracer };
    if (delegate === this.noopTracerProvider) return null;
    if (delegate !== this.tracerFrom) {
      this.tracerFrom = delegate;
      this.tracer = delegate.getTracer(SCOPE);
    }
    return this.tracer;
  }

  private currentHistogram(): Histogram | null {
    const provider = this.options.meterProvider ?? this.api.metrics.getMeterProvider();
    if (provider !== this.meterFrom) {
      this.meterFrom = provider;
      const meter = (provider as { getMeter(name: string): Meter }).getMeter(SCOPE);
      this.histogram =
        meter === this.noopMeter
          ? null
          : meter.createHistogram('http.server.request.duration', {
              unit: 's',
              description: 'Duration of HTTP server requests.',
              advice: { explicitBucketBoundaries: DURATION_BUCKETS },
            });
    }
    return this.histogram;
  }

  /** Starts the span of a request (its head just arrived; `record` is its answer's); null when nothing listens. */
  start(method: string, target: string, versionMinor: number, raw: readonly string[], peer: PeerInfo, record: WrittenRecord): RequestTrace | null {
    try {
      const tracer = this.currentTracer();
      const histogram = this.currentHistogram();
      if (tracer === null && histogram === null) return null;
      // Clock reads only for requests something records (they are not free: ~150 ns each on Node 20).
      record.startTiming();
      const startedAt = record.startedAt;
      const known = KNOWN_METHODS.has(method) ? method : '_OTHER';
      const scheme = peer.secure === true || this.secure ? 'https' : 'http';
      const version = versionMinor === 1 ? '1.1' : '1.0';
      if (tracer === null) return { span: null, context: null, histogram, method: known, scheme, version, startedAt, errorType: undefined };
      const api = this.api;
      const parent = api.propagation.extract(api.ROOT_CONTEXT, raw, RAW_GETTER);
      const q = target.indexOf('?');
      const attributes: Attributes = {
        'http.request.method': known,
        'url.scheme': scheme,
        'network.protocol.name': 'http',
        'network.protocol.version': version,
      };
      // The path of an absolute-form target too ("GET http://host/a?b" → "/a").
      if (target !== '') attributes['url.path'] = pathOf(target);
      if (known !== method && method !== '') attributes['http.request.method_original'] = method;
      if (q !== -1 && q < target.length - 1) attributes['url.query'] = target.slice(q + 1);
      const server = serverOf(header(raw, 'host'), scheme);
      if (server !== undefined) {
        attributes['server.address'] = server[0];
        attributes['server.port'] = server[1];
      }
      const address = peer.remoteAddress;
      if (address !== '') {
        attributes['client.address'] = address;
        attributes['network.peer.address'] = address;
        if (peer.remotePort > 0) attributes['network.peer.port'] = peer.remotePort;
      }
      const agent = header(raw, 'user-agent');
      if (agent !== undefined) attributes['user_agent.original'] = agent;
      const span = tracer.startSpan(known === '_OTHER' ? 'HTTP' : known, { kind: api.SpanKind.SERVER, attributes, startTime: performance.timeOrigin + startedAt }, parent);
      return { span, context: api.trace.setSpan(parent, span), histogram, method: known, scheme, version, startedAt, errorType: undefined };
    } catch (error) {
      this.logError('tracing: starting a span threw', error);
      return null;
    }
  }

  /** Runs the dispatch with the request's span active, so the handler's own spans are its children. */
  run<A extends unknown[], R>(trace: RequestTrace, fn: (...args: A) => R, ...args: A): R {
    if (trace.context === null) return fn(...args);
    return this.api.context.with(trace.context, fn, undefined, ...args);
  }

  /** The dispatch threw: the exception goes on the span. */
  failed(trace: RequestTrace, error: unknown): void {
    trace.errorType = error instanceof Error ? error.constructor.name || 'Error' : typeof error;
    const span = trace.span;
    if (span === null || !span.isRecording()) return;
    try {
      span.recordException(error instanceof Error ? error : String(error));
    } catch (recordError) {
      this.logError('tracing: recording an exception threw', recordError);
    }
  }

  /** Ends the span with the answer's figures and records the duration. */
  end(trace: RequestTrace, record: WrittenRecord, req: WireRequestImpl | null): void {
    try {
      const status = record.status;
      const route = req?.route;
      const outcome = record.outcome;
      let errorType = trace.errorType;
      if (status >= 500) errorType ??= String(status);
      else if (outcome === 'error') errorType ??= 'response_failed';
      else if (status === 0) errorType ??= outcome === 'aborted' ? 'aborted' : '_OTHER';
      const span = trace.span;
      if (span !== null) {
        if (span.isRecording()) {
          if (status > 0) span.setAttribute('http.response.status_code', status);
          // Behind a trusted proxy the client is the one it names (trustProxy); network.peer.* stays the socket's.
          if (req !== null && req.trustsForwarding) {
            const client = req.client;
            span.setAttribute('client.address', client.address);
            span.setAttribute('url.scheme', client.protocol);
          }
          if (route !== undefined) {
            span.setAttribute('http.route', route);
            if (trace.method !== '_OTHER') span.updateName(`${trace.method} ${route}`);
          }
          span.setAttribute('http.response.body.size', record.bodyBytes);
          span.setAttribute('wirecore.response.header_bytes', record.headerBytes);
          if (record.timeToFirstByteMs >= 0) span.setAttribute('wirecore.time_to_first_byte_ms', record.timeToFirstByteMs);
          span.setAttribute('wirecore.outcome', outcome);
          if (errorType !== undefined) {
            span.setAttribute('error.type', errorType);
            span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: status >= 500 ? `HTTP ${status}` : errorType });
          }
        }
        span.end();
      }
      const histogram = trace.histogram;
      if (histogram !== null) {
        const attributes: Attributes = { 'http.request.method': trace.method, 'url.scheme': trace.scheme, 'network.protocol.name': 'http', 'network.protocol.version': trace.version };
        if (status > 0) attributes['http.response.status_code'] = status;
        if (route !== undefined) attributes['http.route'] = route;
        if (errorType !== undefined) attributes['error.type'] = errorType;
        histogram.record((performance.now() - trace.startedAt) / 1000, attributes);
      }
    } catch (error) {
      this.logError('tracing: ending a span threw', error);
    }
  }

  /** A message refused before any request existed gets a span of its own (method unknown unless the runtime read it). */
  startRefused(method: string, reason: string, record: WrittenRecord, peer: PeerInfo | null): RequestTrace | null {
    const trace = this.start(method, '', 1, [], peer ?? { remoteAddress: '', remotePort: 0 }, record);
    if (trace?.span?.isRecording()) trace.span.setAttribute('wirecore.refused', reason);
    return trace;
  }
}

/** Imports @opentelemetry/api for options.tracing; its absence is a start-up error naming the package. */
export async function loadTracing(options: TracingOptions | null, secure: boolean, logError: (message: string, error?: unknown) => void, specifier: string = OTEL_PACKAGE): Promise<Tracing | null> {
  if (options === null) return null;
  let api: Api;
  try {
    api = (await import(specifier)) as Api;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    throw new OptionError(
      missing
        ? `options.tracing needs the package ${OTEL_PACKAGE} (an optional peer dependency): npm install ${OTEL_PACKAGE}`
        : `options.tracing: ${OTEL_PACKAGE} failed to load: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return new Tracing(api, options, secure, logError);
}
