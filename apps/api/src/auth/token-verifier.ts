import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors, importJWK, jwtVerify, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { AppConfig } from '../config/app-config';
import type { AgencyDirectory, Agency } from '@samhandling/config';
import { ensureLocalKeyPair, TOKEN_ALG } from './local-keys';

export interface Caller {
  agency: Agency;
  actor: string;
  roles: string[];
}

export class InvalidTokenError extends Error {}

/** The identity provider's key set could not be fetched: not the caller's fault, so not a 401. */
export class IdentityProviderUnavailableError extends Error {}

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

/**
 * Verifies bearer tokens: signature with an allowed algorithm, issuer, audience, expiry, a subject,
 * and an `agency` claim naming an agency of the directory. See docs/identity-provider.md.
 */
export class TokenVerifier {
  private constructor(
    private readonly key: KeyLike | Uint8Array | JWTVerifyGetKey,
    private readonly config: AppConfig,
    private readonly agencies: AgencyDirectory,
  ) {}

  static async create(config: AppConfig, agencies: AgencyDirectory): Promise<TokenVerifier> {
    const { token } = config;
    if (token.jwksUrl) {
      const jwks = createRemoteJWKSet(new URL(token.jwksUrl), {
        cacheMaxAge: token.jwksCacheMaxAgeMs,
        cooldownDuration: token.jwksCooldownMs,
        timeoutDuration: token.jwksTimeoutMs,
      });
      return new TokenVerifier(jwks, config, agencies);
    }
    const jwk: JWK = config.jwtPublicKeyFile
      ? (JSON.parse(readFileSync(config.jwtPublicKeyFile, 'utf8')) as JWK)
      : (await ensureLocalKeyPair(config.dataDir)).publicJwk;
    return new TokenVerifier(await importJWK(jwk, jwk.alg ?? TOKEN_ALG), config, agencies);
  }

  async verify(token: string): Promise<Caller> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key as KeyLike, {
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        algorithms: this.config.token.algorithms,
        clockTolerance: this.config.token.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (this.config.token.jwksUrl && isKeySetOutage(error)) throw new IdentityProviderUnavailableError('The identity provider\'s key set could not be fetched; try again shortly');
      throw new InvalidTokenError(`Bearer token rejected: ${(error as Error).message}`);
    }
    const agency = typeof payload.agency === 'string' ? this.agencies.get(payload.agency) : undefined;
    if (!agency) throw new InvalidTokenError('Bearer token names no agency known to this directory');
    if (payload.roles !== undefined && !(Array.isArray(payload.roles) && payload.roles.every((r: unknown) => typeof r === 'string'))) {
      throw new InvalidTokenError('Bearer token\'s roles claim must be an array of strings');
    }
    return { agency, actor: payload.sub!, roles: (payload.roles as string[] | undefined) ?? [] };
  }
}

/** A failure to obtain the key set (timeout, refused connection, bad answer), as opposed to a bad token. */
function isKeySetOutage(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose's fetcher reports a non-200 answer or a body that is not JSON as a generic JOSEError.
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(error.message);
  // A connection that could not be made surfaces as the socket's own error (ECONNREFUSED, ENOTFOUND, …);
  // checked by its code, not instanceof, since it may come from another realm.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
