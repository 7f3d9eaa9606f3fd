// Prometheus metrics in the text exposition format (version 0.0.4), fed by the
// wire layer's Written figures for every answer: counts by route template,
// method and status, a duration histogram, bytes out, aborted and errored
// answers. Written here rather than with prom-client: four metric families
// need a counter map, a histogram and an escaper, and no dependency.
import { METHODS } from 'node:http';
import type { Written } from 'wirecore';

export interface MetricsOptions {
  /** Where the metrics are served. Default "/metrics". */
  path?: string;
  /** Upper bounds of the duration histogram, in seconds. */
  buckets?: readonly number[];
  /** Prefix of every metric name. Default "http_". */
  prefix?: string;
}

export const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const KNOWN_METHODS = new Set(METHODS);
/** The route label of answers no route matched, and of messages refused before a request was built. */
export const UNMATCHED = '(unmatched)';
export const REFUSED = '(refused)';
/** The route label of CORS preflights (answered before routing to a handler). */
export const PREFLIGHT = '(preflight)';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}

interface Series {
  readonly labels: string;
  requests: number;
  bodyBytes: number;
  headerBytes: number;
  aborted: number;
  errored: number;
}

interface Histogram {
  readonly labels: string;
  readonly counts: number[];
  sum: number;
  count: number;
}

/** Counters and a histogram, keyed by their label set. */
export class MetricsRegistry {
  private readonly series = new Map<string, Series>();
  private readonly durations = new Map<string, Histogram>();
  readonly buckets: readonly number[];
  private readonly prefix: string;

  constructor(options: MetricsOptions = {}) {
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
    if (buckets.length === 0 || buckets.some((b, i) => !(b > 0) || (i > 0 && b <= buckets[i - 1]!))) throw new TypeError('wirecore/app: metrics.buckets must be increasing positive numbers');
    this.buckets = buckets;
    this.prefix = options.prefix ?? 'http_';
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(this.prefix)) throw new TypeError(`wirecore/app: metrics.prefix ${JSON.stringify(this.prefix)} is not a metric name prefix`);
  }

  /** One answer. Methods outside node's list count as "other", so clients cannot grow the label set. */
  observe(route: string, method: string, written: Written): void {
    const m = KNOWN_METHODS.has(method) ? method : 'other';
    const routeLabel = `method="${m}",route="${escapeLabel(route)}"`;
    const key = `${routeLabel},status="${written.status}"`;
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = { labels: key, requests: 0, bodyBytes: 0, headerBytes: 0, aborted: 0, errored: 0 }));
    s.requests++;
    s.bodyBytes += written.bodyBytes;
    s.headerBytes += written.headerBytes;
    if (written.outcome === 'aborted') s.aborted++;
    else if (written.outcome === 'error') s.errored++;
    let h = this.durations.get(routeLabel);
    if (h === undefined) this.durations.set(routeLabel, (h = { labels: routeLabel, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 }));
    const seconds = written.timeToLastByteMs / 1000;
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** The exposition text. */
  render(): string {
    const p = this.prefix;
    const lines: string[] = [];
    const counter = (name: string, help: string, value: (s: Series) => number) => {
      lines.push(`# HELP ${p}${name} ${help}`, `# TYPE ${p}${name} counter`);
      for (const s of this.series.values()) lines.push(`${p}${name}{${s.labels}} ${formatNumber(value(s))}`);
    };
    counter('requests_total', 'Answers by method, route template and status.', (s) => s.requests);
    counter('response_body_bytes_total', 'Body bytes sent, without chunk framing.', (s) => s.bodyBytes);
    counter('response_header_bytes_total', 'Status line and header bytes sent.', (s) => s.headerBytes);
    counter('responses_aborted_total', 'Answers the client left before they were complete.', (s) => s.aborted);
    counter('responses_errored_total', 'Answers that failed after their head was sent (the connection was dropped).', (s) => s.errored);
    lines.push(`# HELP ${p}request_duration_seconds From the request head to the last response byte.`, `# TYPE ${p}request_duration_seconds histogram`);
    for (const h of this.durations.values()) {
      for (let i = 0; i < this.buckets.length; i++) lines.push(`${p}request_duration_seconds_bucket{${h.labels},le="${formatNumber(this.buckets[i]!)}"} ${h.counts[i]}`);
      lines.push(`${p}request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`${p}request_duration_seconds_sum{${h.labels}} ${formatNumber(h.sum)}`);
      lines.push(`${p}request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    return lines.join('\n') + '\n';
  }
}
