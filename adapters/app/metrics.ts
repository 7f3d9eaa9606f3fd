// Prometheus metrics through prom-client's registry, fed by the wire layer's
// Written figures for every answer: a duration histogram by method, route
// template and status (its _count counts answers), bytes out, aborted and
// errored answers. prom-client is an optional peer, loaded when metrics()
// is called; passing the user's own registry puts their metrics and these
// on one /metrics.
import { createRequire } from 'node:module';
import { METHODS } from 'node:http';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { Written } from 'wirecore';

type PromClient = typeof import('prom-client');

/** A prom-client Registry (typed here so wirecore/app's types do not need the package). */
export interface PromRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Where the metrics are served. Default "/metrics". */
  path?: string;
  /** Upper bounds of the duration histogram, in seconds. Default: OpenTelemetry's for http.server.request.duration. */
  buckets?: readonly number[];
  /** Prefix of every metric name. Default "http_server_" (http_server_request_duration_seconds, …). */
  prefix?: string;
  /**
   * The prom-client registry to register in and serve: pass your own (or
   * prom-client's global `register`) to serve your metrics beside these.
   * Default: a registry of this app's own.
   */
  registry?: PromRegistry;
}

export const PROM_CLIENT = 'prom-client';
/** The text exposition format prom-client writes (0.0.4). */
export const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const KNOWN_METHODS = new Set(METHODS);
/** The route label of answers no route matched, and of messages refused before a request was built. */
export const UNMATCHED = '(unmatched)';
export const REFUSED = '(refused)';
/** The route label of CORS preflights (answered before routing to a handler). */
export const PREFLIGHT = '(preflight)';

const require = createRequire(import.meta.url);

/** prom-client, loaded synchronously (it is CommonJS); its absence is an error naming the package. */
export function loadPromClient(specifier: string = PROM_CLIENT): unknown {
  try {
    return require(specifier) as unknown;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new Error(`wirecore/app: metrics() needs the package ${PROM_CLIENT} (an optional peer dependency): npm install ${PROM_CLIENT}`);
    }
    throw error;
  }
}

type Labels = 'method' | 'route' | 'status';

/** wirecore's metrics in a prom-client registry. */
export class MetricsRegistry {
  readonly registry: PromRegistry;
  readonly buckets: readonly number[];
  private readonly duration: Histogram<Labels>;
  private readonly bodyBytes: Counter<Labels>;
  private readonly headerBytes: Counter<Labels>;
  private readonly aborted: Counter<'method' | 'route'>;
  private readonly errored: Counter<'method' | 'route'>;

  constructor(options: MetricsOptions = {}, loaded: unknown = loadPromClient()) {
    const client = loaded as PromClient;
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
    if (buckets.length === 0 || buckets.some((b, i) => !(b > 0) || (i > 0 && b <= buckets[i - 1]!))) throw new TypeError('wirecore/app: metrics.buckets must be increasing positive numbers');
    this.buckets = buckets;
    const p = options.prefix ?? 'http_server_';
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(p)) throw new TypeError(`wirecore/app: metrics.prefix ${JSON.stringify(p)} is not a metric name prefix`);
    const registry = (options.registry ?? new client.Registry()) as Registry;
    this.registry = registry;
    const registers = [registry];
    const labelNames = ['method', 'route', 'status'] as const;
    try {
      this.duration = new client.Histogram({ name: `${p}request_duration_seconds`, help: 'From the request head to the last response byte, by method, route template and status.', labelNames, buckets, registers });
      this.bodyBytes = new client.Counter({ name: `${p}response_body_bytes_total`, help: 'Body bytes sent, without chunk framing.', labelNames, registers });
      this.headerBytes = new client.Counter({ name: `${p}response_header_bytes_total`, help: 'Status line and header bytes sent.', labelNames, registers });
      this.aborted = new client.Counter({ name: `${p}responses_aborted_total`, help: 'Answers the client left before they were complete.', labelNames: ['method', 'route'], registers });
      this.errored = new client.Counter({ name: `${p}responses_errored_total`, help: 'Answers that failed after their head was sent (the connection was dropped).', labelNames: ['method', 'route'], registers });
    } catch (error) {
      throw new Error(`wirecore/app: metrics() could not register in the registry (${error instanceof Error ? error.message : String(error)}); another app registered there? give it another prefix`);
    }
  }

  /** One answer. Methods outside node's list count as "other", so clients cannot grow the label set. */
  observe(route: string, method: string, written: Written): void {
    const m = KNOWN_METHODS.has(method) ? method : 'other';
    const labels = { method: m, route, status: String(written.status) };
    this.duration.observe(labels, Math.max(0, written.timeToLastByteMs) / 1000);
    this.bodyBytes.inc(labels, written.bodyBytes);
    this.headerBytes.inc(labels, written.headerBytes);
    if (written.outcome === 'aborted') this.aborted.inc({ method: m, route });
    else if (written.outcome === 'error') this.errored.inc({ method: m, route });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of the whole registry (the user's metrics in it too). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
