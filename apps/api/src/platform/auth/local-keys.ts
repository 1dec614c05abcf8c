import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { TOKEN_ALG } from '../config/token-settings';

export { TOKEN_ALG };

export interface LocalKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

export const localKeyFile = (dataDir: string) => join(dataDir, 'keys', 'local-signing-key.json');

/**
 * The embedded default signs its own demo tokens: a key pair created on first start in the data
 * directory (readable by the owner only). Production verifies tokens from the identity provider
 * instead (JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL) and never holds a private key.
 */
export async function ensureLocalKeyPair(dataDir: string): Promise<LocalKeyPair> {
  const file = localKeyFile(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalKeyPair;
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const pair: LocalKeyPair = {
    privateJwk: { ...(await exportJWK(privateKey)), alg: TOKEN_ALG, kid: 'local-1' },
    publicJwk: { ...(await exportJWK(publicKey)), alg: TOKEN_ALG, kid: 'local-1' },
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(pair, null, 2), { mode: 0o600, flag: 'wx' });
  return pair;
}

export interface TokenClaims {
  agency: string;
  /** Caseworker or system acting for the agency; becomes the token subject. */
  actor: string;
  roles?: string[];
}

export async function mintToken(
  privateJwk: JWK,
  claims: TokenClaims,
  options: { issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  const key = await importJWK(privateJwk, TOKEN_ALG);
  return new SignJWT({ agency: claims.agency, roles: claims.roles ?? [] })
    .setProtectedHeader({ alg: TOKEN_ALG, kid: privateJwk.kid })
    .setSubject(claims.actor)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(key);
}
