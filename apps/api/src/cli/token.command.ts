import { existsSync } from 'node:fs';
import { AgencyDirectory } from '@samhandling/config';
import { ensureLocalKeyPair, localKeyFile, mintToken } from '../platform/auth/local-keys';
import type { AppConfig } from '../platform/config/app-config';
import { UsageError, type CliIo } from './cli-io';

export interface TokenOptions {
  roles?: string;
  expires?: string;
  createKey?: boolean;
}

/**
 * Mints a demo bearer token with the embedded default's local key in `$DATA_DIR/keys` — the key the
 * API started with the same settings verifies with. The key is never created silently: a token
 * signed by a key the running API does not hold would only get 401.
 */
export async function tokenCommand(config: AppConfig, agencyId: string, actor: string, options: TokenOptions, io: CliIo): Promise<void> {
  if (config.token.jwksUrl || config.jwtPublicKeyFile) {
    throw new UsageError('this API verifies tokens from your identity provider (JWT_JWKS_URL / JWT_PUBLIC_KEY_FILE); get a token there — `samhandling token` signs with the embedded default\'s local key only');
  }
  const directory = AgencyDirectory.fromFile(config.agencyDirectoryFile);
  if (!directory.get(agencyId)) {
    throw new UsageError(`unknown agency ${JSON.stringify(agencyId)} in ${config.agencyDirectoryFile}; known: ${directory.all().map((a) => a.id).join(', ')}`);
  }
  if (!/^[\w.@-]{1,128}$/.test(actor)) throw new UsageError('the actor is 1–128 letters, digits and . _ @ -');
  const roles = options.roles?.split(',').map((r) => r.trim()).filter(Boolean) ?? [];
  if (options.expires !== undefined && !/^\d+\s*(s|m|h|d)$/.test(options.expires)) throw new UsageError('--expires is a duration such as 30m, 8h or 2d');
  const keyFile = localKeyFile(config.dataDir);
  if (!existsSync(keyFile) && !options.createKey) {
    throw new UsageError(`no local signing key at ${keyFile}. The API creates it when it first starts with DATA_DIR=${config.dataDir}; `
      + 'run this command with the same DATA_DIR as the API (or pass --create-key to make one before the API starts)');
  }
  const { privateJwk } = await ensureLocalKeyPair(config.dataDir);
  io.out(`${await mintToken(privateJwk, { agency: agencyId, actor, roles }, { issuer: config.jwtIssuer, audience: config.jwtAudience, expiresIn: options.expires })}\n`);
}
