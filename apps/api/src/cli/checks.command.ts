import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AgencyDirectory } from '@samhandling/config';
import { LegalBasisCatalog, type CatalogVersion } from '@samhandling/policy';
import { EXIT, type CliIo } from './cli-io';

/**
 * `samhandling catalog check <dir>`: every version file parses, is well-formed and validates as the
 * API would load it (with LEGAL_BASES_ENABLED), before a deployment points LEGAL_BASIS_CATALOG_DIR at it.
 */
export function catalogCheck(dir: string, enabled: readonly string[], io: CliIo): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return fail(io, `catalog ${dir}: not a directory`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) return fail(io, `catalog ${dir}: no version files (*.json)`);
  const problems: string[] = [];
  const versions: CatalogVersion[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const v = parsed as Partial<CatalogVersion>;
    if (parsed === null || typeof parsed !== 'object' || typeof v.version !== 'string' || !Array.isArray(v.entries)) {
      problems.push(`${file}: must be an object with a "version" string and an "entries" array`);
      continue;
    }
    if (seen.has(v.version)) problems.push(`${file}: version ${v.version} is also in ${seen.get(v.version)}`);
    seen.set(v.version, file);
    const ids = v.entries.map((e) => (e as { id?: unknown })?.id);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length > 0) problems.push(`${file}: entry id(s) listed twice: ${[...new Set(twice)].join(', ')}`);
    try {
      new LegalBasisCatalog([v as CatalogVersion]);
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    versions.push(v as CatalogVersion);
  }
  if (problems.length === 0) {
    try {
      const catalog = new LegalBasisCatalog(versions, { enabled });
      const current = catalog.current();
      io.out(`OK: catalog ${dir}: ${versions.length} version(s) (${versions.map((v) => v.version).join(', ')}); current ${catalog.currentVersion} with ${current.length} entries`
        + `${enabled.length > 0 ? `; enabled by configuration: ${enabled.join(', ')}` : ''}\n`);
      return EXIT.ok;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return fail(io, `catalog ${dir}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** `samhandling agencies check <file>`: the directory the API and relay would load, every problem named. */
export function agenciesCheck(file: string, io: CliIo): number {
  try {
    const directory = AgencyDirectory.fromFile(file);
    const agencies = directory.all();
    const kinds = [...new Set(agencies.map((a) => a.kind))].sort();
    io.out(`OK: agency directory ${file}: ${agencies.length} agencies (${kinds.join(', ')})\n`);
    return EXIT.ok;
  } catch (error) {
    const message = (error as Error).message.replace(/^Agency directory [^:]*: /, '');
    return fail(io, `agency directory ${file}:\n${message.split('; ').map((p) => `  - ${p}`).join('\n')}`);
  }
}

function fail(io: CliIo, message: string): number {
  io.err(`FAILED: ${message}\n`);
  return EXIT.failed;
}
