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
    this.byId = new Map();
    for (const agency of agencies) {
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(agency.id)) throw new Error(`Agency id ${JSON.stringify(agency.id)} must be lower-case letters, digits and dashes`);
      if (!(AGENCY_KINDS as readonly string[]).includes(agency.kind)) throw new Error(`Agency ${agency.id} has unknown kind ${JSON.stringify(agency.kind)}`);
      if (this.byId.has(agency.id)) throw new Error(`Agency ${agency.id} is listed twice`);
      this.byId.set(agency.id, Object.freeze({ ...agency }));
    }
  }

  static fromFile(path: string): AgencyDirectory {
    return new AgencyDirectory(JSON.parse(readFileSync(path, 'utf8')) as Agency[]);
  }

  get(id: string): Agency | undefined {
    return this.byId.get(id);
  }

  all(): Agency[] {
    return [...this.byId.values()];
  }
}
