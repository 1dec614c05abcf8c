/* The privacy officer's terminal (`samhandling audit …`): verify the disclosure chain, query,
 * export, access reports. Talks to the API over HTTP, which works for PostgreSQL and the embedded
 * PGlite alike (PGlite admits one process: the API's). Usage: samhandling audit --help */
import { writeFileSync } from 'node:fs';
import { DisclosureLog, type AuditPage, type AuditRecord, type ChainVerification, type ScopedChainVerification } from '@samhandling/audit';
import { PgSqlClient } from '@samhandling/event-store';
import { filterParams, parseCli, USAGE, type CliOptions } from './audit-args';
import { EXIT, processIo, UsageError, type CliIo } from './cli-io';

export type AuditIo = Pick<CliIo, 'out' | 'err' | 'env'>;

class RequestFailed extends Error {}

/** Runs one command and returns the exit code (0 ok, 1 failed, 2 usage, 3 broken chain). */
export async function runAuditCli(argv: string[], io: AuditIo = processIo): Promise<number> {
  try {
    const { command, options } = parseCli(argv);
    if (command === 'help') {
      io.out(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (command === 'verify' && options['database-url']) return reportVerification(await verifyDirect(options), options, io);
    const api = client(options, io.env);
    switch (command) {
      case 'verify': return reportScopedVerification(await api.json<ScopedChainVerification>('/audit/verify'), options, io);
      case 'query': return await query(api, options, io);
      case 'export': return await exportRecords(api, options, io);
      case 'report': return await report(api, options, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`audit: ${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    io.err(`audit: ${error instanceof RequestFailed ? error.message : `failed: ${(error as Error).message}`}\n`);
    return EXIT.failed;
  }
}

function client(options: CliOptions, env: NodeJS.ProcessEnv) {
  const base = (options.url ?? env.SAMHANDLING_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token = options.token ?? env.SAMHANDLING_TOKEN;
  if (!token) throw new UsageError('no token: pass --token or set SAMHANDLING_TOKEN (samhandling token <agency> <actor> --roles privacy-officer)');
  const get = async (path: string, accept = 'application/json') => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });
    } catch (error) {
      throw new RequestFailed(`cannot reach the API at ${base} (${(error as { cause?: Error }).cause?.message ?? (error as Error).message}); is it running? (npm start)`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
      throw new RequestFailed(`HTTP ${res.status} ${body.error ?? ''}: ${body.message ?? res.statusText}`);
    }
    return res;
  };
  return { get, json: async <T>(path: string) => (await (await get(path)).json()) as T };
}
type Api = ReturnType<typeof client>;

async function verifyDirect(options: CliOptions): Promise<ChainVerification> {
  const sql = new PgSqlClient({ connectionString: options['database-url'], max: 1 });
  try {
    return await DisclosureLog.attach(sql, options.schema ?? 'samhandling').verify();
  } finally {
    await sql.close();
  }
}

const PROBLEMS: Record<string, string> = {
  hash_mismatch: 'its content no longer matches its hash: the record was altered after it was written',
  broken_link: 'it does not point to the record before it: records were reordered, replaced or inserted',
  missing_record: 'it is missing: a record was deleted',
};

function reportVerification(result: ChainVerification, options: CliOptions, io: AuditIo): number {
  if (options.json) io.out(`${JSON.stringify(result)}\n`);
  else if (result.ok) io.out(`OK: disclosure chain intact, ${result.records} record(s), last hash ${result.lastHash}\n`);
  else {
    io.out(`BROKEN: disclosure chain broken at record ${result.brokenAt}: ${PROBLEMS[result.problem] ?? result.problem}.\n`);
    io.out(`${result.records > 0 ? `Records 1–${result.records} verify` : 'No record verifies'}; from record ${result.brokenAt} on nothing is proven.\n`);
  }
  return result.ok ? EXIT.ok : EXIT.brokenChain;
}

const CAUSES: Record<string, string> = {
  hash_mismatch: 'a record no longer matches its hash: it was altered after it was written',
  broken_link: 'a record does not point to the one before it: records were reordered, replaced or inserted',
  missing_record: 'a record is missing: it was deleted',
};

/** The API checks the whole chain but tells an officer only their scope's figures. */
function reportScopedVerification(result: ScopedChainVerification, options: CliOptions, io: AuditIo): number {
  if (options.json) io.out(`${JSON.stringify(result)}\n`);
  else if (result.ok) {
    io.out(`OK: disclosure chain intact; ${result.records} record(s) in your scope${result.lastHash ? `, latest #${result.lastSeq} with hash ${result.lastHash}` : ''}\n`);
  } else {
    io.out(`BROKEN: disclosure chain broken: ${CAUSES[result.problem] ?? result.problem}.\n`);
    io.out(result.firstUnproven === null
      ? `All ${result.records} record(s) in your scope come before the break and verify.\n`
      : `${result.verified} of the ${result.records} record(s) in your scope verify; from your record #${result.firstUnproven} on nothing is proven.\n`);
  }
  return result.ok ? EXIT.ok : EXIT.brokenChain;
}

async function query(api: Api, options: CliOptions, io: AuditIo): Promise<number> {
  let after = options.after;
  for (;;) {
    const page = await api.json<AuditPage>(`/audit/disclosures?${filterParams({ ...options, after }, { limit: options.limit })}`);
    // --json: the page as the API sent it; with --all, one record per line (JSON Lines).
    if (options.json) io.out(options.all ? page.items.map((r) => `${JSON.stringify(r)}\n`).join('') : `${JSON.stringify(page)}\n`);
    else for (const r of page.items) io.out(`${describe(r)}\n`);
    if (page.nextCursor === null) return EXIT.ok;
    if (!options.all) {
      if (!options.json) io.out(`… more: --after ${page.nextCursor}\n`);
      return EXIT.ok;
    }
    after = String(page.nextCursor);
  }
}

function describe(r: AuditRecord): string {
  const d = r.disclosure;
  const what = d.projection ? `${d.projection}${d.fields?.length ? ` [${d.fields.join(', ')}]` : ''}` : `${d.eventIds?.length ?? 0} event(s)`;
  const notes = [
    d.denial ? `refused: ${d.denial}` : '',
    r.review ? `review: ${r.review.decision}${r.review.comment ? ` (${r.review.comment})` : ''}` : d.kind === 'break_glass' ? 'review: pending' : '',
    r.postponement ? `notice postponed until ${r.postponement.visibleFrom.slice(0, 10)}` : '',
  ].filter(Boolean);
  return [
    `#${r.seq}  ${d.occurredAt}  ${d.kind.padEnd(11)}  subject ${d.subjectId}`,
    `    ${d.recipient.agency} (${d.recipient.actor}) ← ${d.disclosers.join(', ') || '—'}: ${what}`,
    `    purpose ${d.purpose}; categories ${d.categories.join(', ') || '—'}; bases ${d.bases.map(basisId).join(', ') || '—'}`,
    ...(notes.length > 0 ? [`    ${notes.join('; ')}`] : []),
  ].join('\n');
}

const basisId = (b: AuditRecord['disclosure']['bases'][number]): string =>
  b.kind === 'legal' ? `${b.entryId}@${b.version}` : b.kind === 'consent' ? `consent:${b.consentId}` : b.kind === 'referral' ? `referral:${b.referralId}` : b.kind === 'coordination' ? `coordination:${b.agency}` : 'own';

async function exportRecords(api: Api, options: CliOptions, io: AuditIo): Promise<number> {
  const format = options.format ?? 'jsonl';
  const res = await api.get(`/audit/export?${filterParams(options, { format })}`, format === 'fhir' ? 'application/fhir+json' : 'application/x-ndjson');
  const body = await res.text();
  if (!options.out) {
    io.out(body);
    return EXIT.ok;
  }
  writeFileSync(options.out, body);
  const count = format === 'fhir' ? (JSON.parse(body) as { entry: unknown[] }).entry.length : body.split('\n').filter(Boolean).length;
  io.err(`exported ${count} record(s) as ${format} to ${options.out}\n`);
  return EXIT.ok;
}

async function report(api: Api, options: CliOptions, io: AuditIo): Promise<number> {
  const params = new URLSearchParams({ format: options.json ? 'json' : 'text', ...(options['include-postponed'] ? { include: 'postponed' } : {}) });
  const res = await api.get(`/audit/subjects/${encodeURIComponent(options.subject!)}/access-report?${params}`, options.json ? 'application/json' : 'text/plain');
  io.out(options.json ? `${JSON.stringify(await res.json())}\n` : await res.text());
  return EXIT.ok;
}
