// The OpenTelemetry SDK as a production service registers it, minus the
// network: a BatchSpanProcessor whose exporter drops every batch, and a
// meter provider whose periodic reader exports to nowhere. What tracing
// costs a server is then the SDK's own work per request.
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** ExportResultCode.SUCCESS (from @opentelemetry/core, which is the SDK's, not ours). */
const SUCCESS = 0;

const dropSpans: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: SUCCESS }),
  shutdown: async () => {},
};

const dropMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

export function registerBenchSdk(): void {
  new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropSpans)] }).register();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 10_000 })] }));
}
