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
