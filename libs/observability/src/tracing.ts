import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

export { SpanKind, SpanStatusCode, context, trace, propagation };

/** The platform's tracer. A no-op until a provider is registered (startTracing, or a test's). */
export const tracer = () => trace.getTracer('samhandling');

/** The active span's W3C traceparent (for an event's metadata or a message header); undefined without one. */
export function activeTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a stored traceparent names, to continue or link its trace. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** Runs `work` in a span that ends when it settles, marked as an error when it throws. */
export async function inSpan<T>(name: string, work: (span: Span) => Promise<T>, options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean> } = {}): Promise<T> {
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      // The error's class only: a message may quote input.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.constructor?.name ?? 'Error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
