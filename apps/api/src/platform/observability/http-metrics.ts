import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '@samhandling/observability';

/** What the error filter leaves for the metrics: the code answered and, for a refused read, why. */
export interface ErrorLocals {
  errorCode?: string;
  denialReason?: string;
}

/** The route pattern a request matched (`/subjects/:subjectId/contacts`), undefined when none did: never the URL, which holds person ids. */
export function routePattern(req: Request): string | undefined {
  return req.route?.path ? `${req.baseUrl ?? ''}${req.route.path as string}` : undefined;
}

/**
 * Times every request by route pattern (never the raw URL: it holds person ids) and status, and
 * counts every command (a POST) by outcome: ok, replayed, or the error code it was answered with.
 */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = routePattern(req) ?? 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
      const locals = res.locals as ErrorLocals;
      if (locals.denialReason) metrics.denials.inc({ reason: locals.denialReason });
      if (req.method === 'POST' && route !== 'unmatched') {
        const outcome = res.statusCode < 400 ? (res.getHeader('Idempotent-Replayed') ? 'replayed' : 'ok') : (locals.errorCode ?? String(res.statusCode));
        metrics.commandOutcomes.inc({ command: route, outcome });
      }
    });
    next();
  };
}
