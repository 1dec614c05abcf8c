/**
 * Traces are OFF unless the environment asks for OTLP: OTEL_TRACES_EXPORTER=otlp, or an
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT. The exporter reads the standard OTEL_EXPORTER_OTLP_* settings
 * (endpoint, headers, timeout). Returns the shutdown that flushes what is buffered, or undefined.
 * The SDK is loaded only when tracing is on: off, it costs nothing (the API's calls are no-ops).
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter !== undefined && exporter !== 'none' && exporter !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER must be otlp or none, got ${JSON.stringify(exporter)}`);
  const wanted = exporter === 'otlp' || (exporter === undefined && Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT));
  if (!wanted) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return () => provider.shutdown();
}
