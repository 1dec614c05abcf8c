import { HttpException, HttpStatus, Injectable, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Caller } from '../auth/token-verifier';
import type { HttpSettings } from '../config/http-settings';

const WINDOW_MS = 60_000;

/** The limit is per minute; RATE_LIMIT_PER_MINUTE=0 leaves it out. Counts live in this instance's memory. */
export function rateLimitModule(settings: HttpSettings): DynamicModule {
  const limit = settings.rateLimitPerMinute;
  return ThrottlerModule.forRoot({ throttlers: [{ ttl: WINDOW_MS, limit: Math.max(limit, 1) }], skipIf: () => limit === 0 });
}

/**
 * One budget per authenticated agency across all routes: a busy agency cannot starve the others,
 * and agencies behind one proxy or NAT do not share a budget as they would by IP. Registered after
 * AuthGuard, so the caller is known; a request without one got here only through a public route
 * (health), which is not limited.
 */
@Injectable()
export class AgencyRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return callerOf(context) === undefined;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return (req as { caller: Caller }).caller.agency.id;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:agency:${tracker}`;
  }

  /** Retry-After is already set by the base guard; the body takes the house error shape. */
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new HttpException(
      { error: 'RATE_LIMITED', message: `Your agency sent more than ${detail.limit} requests in a minute; retry after ${detail.timeToBlockExpire} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

const callerOf = (context: ExecutionContext): Caller | undefined => context.switchToHttp().getRequest<{ caller?: Caller }>().caller;
