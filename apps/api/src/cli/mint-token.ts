/* Mints a demo bearer token with the embedded default's local key (created if missing).
 * Usage: npm run token -- <agency-id> [actor] [--roles a,b] [--expires 8h] */
import { loadConfig } from '../config/app-config';
import { AgencyDirectory } from '@samhandling/config';
import { ensureLocalKeyPair, mintToken } from '../auth/local-keys';

async function main(argv: string[]): Promise<void> {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const option = (name: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
  const [agencyId, actor = 'demo-caseworker'] = positional;
  const config = loadConfig();
  const directory = AgencyDirectory.fromFile(config.agencyDirectoryFile);
  if (!agencyId || !directory.get(agencyId)) {
    process.stderr.write(`usage: npm run token -- <agency-id> [actor] [--roles privacy-officer] [--expires 8h]\nknown agencies: ${directory.all().map((a) => a.id).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const { privateJwk } = await ensureLocalKeyPair(config.dataDir);
  const roles = option('roles')?.split(',').filter(Boolean);
  const token = await mintToken(privateJwk, { agency: agencyId, actor, roles }, { issuer: config.jwtIssuer, audience: config.jwtAudience, expiresIn: option('expires') });
  process.stdout.write(`${token}\n`);
}

void main(process.argv.slice(2));
