// The real OpenTelemetry SDK for a test file: a Node tracer provider with an
// in-memory exporter (registered globally: AsyncLocalStorage context manager,
// W3C propagator), and a meter provider whose reader the test collects from.
// The API's globals are process-wide: each file registers once and resets
// them after its tests.
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, expect } from 'vitest';

export interface Otel {
  readonly exporter: InMemorySpanExporter;
  readonly tracerProvider: NodeTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Every span ended so far, oldest first. */
  spans(): ReadableSpan[];
  /** Waits until `count` server spans have ended (spans end with the answer, which the client may see first). */
  serverSpans(count: number): Promise<ReadableSpan[]>;
  /** The metrics collected now. */
  collect(): Promise<ResourceMetrics[]>;
}

/** Registers the SDK globally for this file's tests; reset after them. */
export function registerOtel(): Otel {
  const otel = createOtel();
  otel.tracerProvider.register();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  beforeEach(() => {
    otel.exporter.reset();
  });
  afterAll(() => shutdownOtel(otel));
  return otel;
}

/** Shuts an SDK down and resets the API's process-wide globals. */
export async function shutdownOtel(otel: Otel | null): Promise<void> {
  await otel?.tracerProvider.shutdown();
  await otel?.meterProvider.shutdown();
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
}

/** An SDK of its own, not registered: for `tracing: { tracerProvider, meterProvider }` (shut it down after use). */
export function createOtel(): Otel {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const serverKind = 1; // SpanKind.SERVER
  return {
    exporter,
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    async serverSpans(count) {
      await expect.poll(() => exporter.getFinishedSpans().filter((s) => s.kind === serverKind).length).toBeGreaterThanOrEqual(count);
      return exporter.getFinishedSpans().filter((s) => s.kind === serverKind);
    },
    async collect() {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter.getMetrics();
    },
  };
}

/** The data points of one metric from what collect() returned. */
export function metricPoints(collected: ResourceMetrics[], name: string) {
  const found = collected.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).filter((m) => m.descriptor.name === name);
  return { descriptors: found.map((m) => m.descriptor), points: found.flatMap((m) => m.dataPoints as DataPoint<unknown>[]) };
}
