/**
 * The algorithm of the local dev key pair (auth/local-keys signs and verifies with it), and the
 * only one accepted by default without a JWKS. Declared here, with the settings that default to
 * it, so that config imports nothing from auth; auth/local-keys re-exports it.
 */
export const TOKEN_ALG = 'EdDSA';

/**
 * Signature algorithms a token may use. Asymmetric only: a shared-secret (HS*) algorithm would let
 * anyone holding the verification key mint tokens, and `none` is never accepted.
 */
export const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

/** How the API learns the identity provider's keys (see docs/identity-provider.md). */
export interface TokenSettings {
  /** JWT_JWKS_URL: the provider's JWKS endpoint; keys are fetched, cached and re-fetched on an unknown `kid`. */
  jwksUrl?: string;
  /** JWT_ALGORITHMS: comma-separated allow-list; default all of ASYMMETRIC_ALGORITHMS with a JWKS, EdDSA otherwise. */
  algorithms: string[];
  /** JWT_JWKS_CACHE_MAX_AGE_MS (600000): a fetched key set is trusted this long before it is fetched again. */
  jwksCacheMaxAgeMs: number;
  /** JWT_JWKS_COOLDOWN_MS (30000): at most one re-fetch per cooldown when a token names a `kid` not in the cached set. */
  jwksCooldownMs: number;
  /** JWT_JWKS_TIMEOUT_MS (5000): a key-set fetch that takes longer fails (503, not 401). */
  jwksTimeoutMs: number;
  /** JWT_CLOCK_TOLERANCE_S (30): skew allowed between the provider's clock and ours for exp/nbf/iat. */
  clockToleranceSeconds: number;
}

export function tokenSettings(env: NodeJS.ProcessEnv, number: (name: string, fallback: number, min: number) => number): TokenSettings {
  const jwksUrl = env.JWT_JWKS_URL || undefined;
  if (jwksUrl) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new Error(`JWT_JWKS_URL is not a URL: ${jwksUrl}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`JWT_JWKS_URL must be an https (or, for a local provider, http) URL: ${jwksUrl}`);
  }
  const algorithms = env.JWT_ALGORITHMS
    ? env.JWT_ALGORITHMS.split(',').map((a) => a.trim()).filter(Boolean)
    : jwksUrl ? [...ASYMMETRIC_ALGORITHMS] : [TOKEN_ALG];
  const unknown = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (unknown.length > 0 || algorithms.length === 0) {
    throw new Error(`JWT_ALGORITHMS may name only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}); refused: ${unknown.join(', ') || '(empty)'}`);
  }
  return {
    jwksUrl,
    algorithms,
    jwksCacheMaxAgeMs: number('JWT_JWKS_CACHE_MAX_AGE_MS', 600_000, 1),
    jwksCooldownMs: number('JWT_JWKS_COOLDOWN_MS', 30_000, 0),
    jwksTimeoutMs: number('JWT_JWKS_TIMEOUT_MS', 5_000, 1),
    clockToleranceSeconds: number('JWT_CLOCK_TOLERANCE_S', 30, 0),
  };
}
