import { parseArgs } from 'node:util';
import { UsageError } from './cli-io';

export const USAGE = `usage: samhandling audit <command> [options]

commands:
  verify                 walk the disclosure hash chain; exit 3 if it is broken
  query                  list disclosures in your scope (one page; --all for every page)
  export                 export disclosures as JSON Lines (--format jsonl) or a FHIR Bundle (--format fhir)
  report --subject ID    the person's access report (plain text; --json for JSON)

filters (query, export):
  --subject ID  --recipient AGENCY  --discloser AGENCY  --basis paa-13b-1-7|consent:ID|referral:ID
  --category CATEGORY  --kind pull|push|denial|break_glass  --from ISO  --to ISO  --after SEQ  --limit N

connection:
  --url URL              API base URL (env SAMHANDLING_URL; default http://127.0.0.1:3000)
  --token TOKEN          privacy-officer bearer token (env SAMHANDLING_TOKEN;
                         samhandling token <agency> <actor> --roles privacy-officer)
  --database-url URL     verify only: read the chain straight from PostgreSQL (env DATABASE_URL is not used implicitly)
  --schema NAME          with --database-url (default samhandling)

output:
  --json                 machine-readable output
  --out FILE             export: write to FILE instead of standard output
  --include-postponed    report: the officer's view, with postponed entries

exit codes: 0 ok, 1 request failed, 2 usage error, 3 broken chain`;

export const COMMANDS = ['verify', 'query', 'export', 'report'] as const;
export type Command = (typeof COMMANDS)[number];

const STRING_OPTIONS = ['subject', 'recipient', 'discloser', 'basis', 'category', 'kind', 'from', 'to', 'after', 'limit', 'format', 'url', 'token', 'database-url', 'schema', 'out'] as const;
const BOOLEAN_OPTIONS = ['json', 'all', 'include-postponed', 'help'] as const;

export type CliOptions = Partial<Record<(typeof STRING_OPTIONS)[number], string>> & Partial<Record<(typeof BOOLEAN_OPTIONS)[number], boolean>>;


export function parseCli(argv: string[]): { command: Command | 'help'; options: CliOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
        ...Object.fromEntries(BOOLEAN_OPTIONS.map((o) => [o, { type: 'boolean' as const }])),
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options = parsed.values as CliOptions;
  const [command, ...extra] = parsed.positionals;
  if (options.help || command === 'help' || command === undefined) return { command: 'help', options };
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}; one of ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (command === 'report' && !options.subject) throw new UsageError('report needs --subject <person id>');
  if (options.format !== undefined && !['jsonl', 'fhir'].includes(options.format)) throw new UsageError('--format must be jsonl or fhir');
  if (options['database-url'] !== undefined && command !== 'verify') throw new UsageError('--database-url works with verify only; the other commands go through the API');
  return { command: command as Command, options };
}

/** The query string for the API's filter parameters (validated there, so errors read the same). */
export function filterParams(options: CliOptions, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams();
  const names: Record<string, string | undefined> = {
    subjectId: options.subject, recipient: options.recipient, discloser: options.discloser, basis: options.basis,
    category: options.category, kind: options.kind, from: options.from, to: options.to, after: options.after, ...extra,
  };
  for (const [name, value] of Object.entries(names)) if (value !== undefined) params.set(name, value);
  return params;
}
