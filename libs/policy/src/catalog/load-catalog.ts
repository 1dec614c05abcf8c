import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogVersion } from './catalog.types';
import { LegalBasisCatalog, type CatalogOptions } from './legal-basis-catalog';


/** Loads every version in a directory, oldest first (file names sort by version). */
export function loadCatalog(dir: string = defaultDir(), options: CatalogOptions = {}): LegalBasisCatalog {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const versions = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CatalogVersion);
  return new LegalBasisCatalog(versions, options);
}

function defaultDir(): string {
  // Source tree (ts-jest) and build output (dist/libs/policy/src/catalog) both resolve to the repo's data.
  return process.env.LEGAL_BASIS_CATALOG_DIR ?? join(process.cwd(), 'libs', 'policy', 'catalog');
}
