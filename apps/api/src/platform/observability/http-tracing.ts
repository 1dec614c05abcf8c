import type { NextFunction, Request, Response } from 'express';
import { routePattern } from './http-metrics';
import { context, propagation, SpanKind, SpanStatusCode, trace, tracer } from '@samhandling/observability';

/**
 * One server span per request, continuing a caller's W3C `traceparent`. Its name and attributes
 * carry the method and route pattern, never the URL (person ids) or any body. A no-op while no
 * tracer provider is registered (OTLP off, the default).
 */
export function httpTracing() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.on('finish', () => {
      const route = routePattern(req);
      if (route) {
        span.setAttribute('http.route', route);
        span.updateName(`${req.method} ${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
