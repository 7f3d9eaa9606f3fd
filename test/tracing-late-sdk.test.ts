// options.tracing with no SDK registered (the API's no-op, what a library
// user pays), then an SDK registered while the server runs: the tracer and
// meter are looked up per request, so spans and measurements start at once.
import { metrics, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import type { DispatchFn } from 'wirecore';
import { createOtel, metricPoints, shutdownOtel } from './helpers/otel.js';
import { RUNTIMES, start } from './helpers/servers.js';

afterAll(() => shutdownOtel(null));

const dispatch: DispatchFn<null> = (_ctx, req, res) => {
  req.route = '/r';
  // No SDK: the active span is the API's non-recording one (or none).
  return res.send({ body: String(trace.getActiveSpan()?.isRecording() ?? false) });
};

describe('tracing before and after an SDK registers', () => {
  it.each(RUNTIMES)('answers without an SDK, and traces from the moment one registers (%s)', async (runtime) => {
    const server = await start(runtime, null, dispatch, { tracing: true });
    expect(await (await fetch(`${server.url}/a`)).text()).toBe('false');
    const otel = createOtel();
    otel.tracerProvider.register();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      expect(await (await fetch(`${server.url}/b`)).text()).toBe('true');
      const [span] = await otel.serverSpans(1);
      expect(span!.name).toBe('GET /r');
      expect(span!.attributes['url.path']).toBe('/b');
      const { points } = metricPoints(await otel.collect(), 'http.server.request.duration');
      expect(points.map((p) => (p.value as { count: number }).count)).toEqual([1]);
    } finally {
      await shutdownOtel(otel);
    }
  });
});
