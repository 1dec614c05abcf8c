import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, importJWK, jwtVerify, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { AppConfig } from '../config/app-config';
import type { AgencyDirectory, Agency } from '@samhandling/config';
import { ensureLocalKeyPair, TOKEN_ALG } from './local-keys';

export interface Caller {
  agency: Agency;
  actor: string;
  roles: string[];
}

export class InvalidTokenError extends Error {}

/** Verifies bearer tokens: signature, issuer, audience, expiry, and that the agency exists. */
export class TokenVerifier {
  private constructor(
    private readonly key: KeyLike | Uint8Array | JWTVerifyGetKey,
    private readonly config: AppConfig,
    private readonly agencies: AgencyDirectory,
  ) {}

  static async create(config: AppConfig, agencies: AgencyDirectory, env = process.env): Promise<TokenVerifier> {
    if (env.JWT_JWKS_URL) return new TokenVerifier(createRemoteJWKSet(new URL(env.JWT_JWKS_URL)), config, agencies);
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
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new InvalidTokenError(`Bearer token rejected: ${(error as Error).message}`);
    }
    const agency = typeof payload.agency === 'string' ? this.agencies.get(payload.agency) : undefined;
    if (!agency) throw new InvalidTokenError('Bearer token names no agency known to this directory');
    const roles = Array.isArray(payload.roles) ? (payload.roles as unknown[]).filter((r): r is string => typeof r === "string") : [];
    return { agency, actor: payload.sub!, roles };
  }
}
