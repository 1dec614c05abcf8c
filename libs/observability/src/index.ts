export { Metrics, basisLabel, type RelayLagSource } from './metrics';
export { activeTraceparent, contextFromTraceparent, inSpan, tracer, SpanKind, SpanStatusCode, context, trace, propagation } from './tracing';
export { startTracing } from './start-tracing';
