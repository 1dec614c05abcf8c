import { readFileSync } from 'node:fs';
import { AGENCY_KINDS, type AgencyKind } from '@samhandling/domain';

export interface Agency {
  id: string;
  kind: AgencyKind;
  /** Municipality number (e.g. 0301 Oslo); null for national authorities. */
  municipality: string | null;
  name: string;
}

/** The agencies Samhandling knows; configuration, not data, so it is loaded and checked at start. */
export class AgencyDirectory {
  private readonly byId: Map<string, Agency>;

  constructor(agencies: readonly Agency[]) {
    const problems = agencyDirectoryProblems(agencies);
    if (problems.length > 0) throw new Error(`Agency directory: ${problems.join('; ')}`);
    this.byId = new Map(agencies.map((agency) => [agency.id, Object.freeze({ ...agency })]));
  }

  /** Reads and checks a directory file; every problem is named, with the file. */
  static fromFile(path: string): AgencyDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`Agency directory ${path}: ${(error as Error).message}`);
    }
    const problems = agencyDirectoryProblems(parsed);
    if (problems.length > 0) throw new Error(`Agency directory ${path}: ${problems.join('; ')}`);
    return new AgencyDirectory(parsed as Agency[]);
  }

  get(id: string): Agency | undefined {
    return this.byId.get(id);
  }

  all(): Agency[] {
    return [...this.byId.values()];
  }
}

/**
 * What is wrong with a would-be agency directory (empty when nothing is): a JSON array of
 * `{ id, kind, municipality, name }` with unique lower-case ids, a known kind, a four-digit
 * municipality number (null for national authorities only) and a name.
 */
export function agencyDirectoryProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['must be a JSON array of agencies'];
  if (value.length === 0) return ['lists no agency'];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((agency: Partial<Record<keyof Agency, unknown>>, index) => {
    if (agency === null || typeof agency !== 'object' || Array.isArray(agency)) {
      problems.push(`entry ${index + 1} is not an object`);
      return;
    }
    const where = typeof agency.id === 'string' ? `agency ${agency.id}` : `entry ${index + 1}`;
    if (typeof agency.id !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(agency.id)) problems.push(`${where}: id ${JSON.stringify(agency.id)} must be lower-case letters, digits and dashes`);
    else if (seen.has(agency.id)) problems.push(`${where} is listed twice`);
    else seen.add(agency.id);
    if (!(AGENCY_KINDS as readonly unknown[]).includes(agency.kind)) problems.push(`${where}: unknown kind ${JSON.stringify(agency.kind)} (one of ${AGENCY_KINDS.join(', ')})`);
    if (agency.municipality === null) {
      if (agency.kind !== 'national_authority') problems.push(`${where}: only a national authority has no municipality`);
    } else if (typeof agency.municipality !== 'string' || !/^\d{4}$/.test(agency.municipality)) {
      problems.push(`${where}: municipality must be a four-digit municipality number (or null for a national authority)`);
    }
    if (agency.name !== undefined && (typeof agency.name !== 'string' || agency.name.trim() === '')) problems.push(`${where}: name must be a non-empty string`);
    const unknown = Object.keys(agency).filter((k) => !['id', 'kind', 'municipality', 'name'].includes(k));
    if (unknown.length > 0) problems.push(`${where}: unknown field(s) ${unknown.join(', ')}`);
  });
  return problems;
}
