import { envInteger } from '@samhandling/config';

/** Express's `trust proxy`: off, on for every hop, a hop count, or addresses/names ("loopback, 10.0.0.0/8"). */
export type TrustProxy = boolean | number | string;

/** How the API protects itself and its callers at the HTTP level (read by loadConfig in app-config.ts; used by http/). */
export interface HttpSettings {
  /**
   * TRUST_PROXY (default off): which proxies' X-Forwarded-* headers to believe. Behind a TLS-terminating
   * proxy it makes `req.secure` true for HTTPS callers, and only then is Strict-Transport-Security sent.
   */
  trustProxy: TrustProxy;
  /** RATE_LIMIT_PER_MINUTE (default 1200): requests per agency per minute on one API instance; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** FEED_MAX_WAITING_PER_AGENCY (default 8): long-polls of GET /feed?wait one agency may hold open at once. */
  feedMaxWaitingPerAgency: number;
}

export function httpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  return {
    trustProxy: trustProxy(env.TRUST_PROXY),
    rateLimitPerMinute: envInteger(env, 'RATE_LIMIT_PER_MINUTE', 1200, { min: 0, what: 'requests per agency per minute' }),
    feedMaxWaitingPerAgency: envInteger(env, 'FEED_MAX_WAITING_PER_AGENCY', 8, { what: 'waiting requests' }),
  };
}

function trustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  // Express checks addresses and names itself and throws at start on one it cannot parse.
  return value;
}
