import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '@samhandling/domain';
import { newEventId, PgliteSqlClient, SqlEventStore } from '@samhandling/event-store';
import { ProjectionRuntime } from './projection-runtime';
import { referralDeadlinesProjection } from './referral-deadlines.projection';
import { ReferralDeadlineQueries } from './referral-deadlines.query';
import { streamOf } from './testing/recorded';
import { AMINA, HEALTH, HOUSING, REFUGEE, scenario } from './testing/scenario';

describe('due referral deadlines (PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-deadlines-'));
  let store: SqlEventStore;
  let runtime: ProjectionRuntime;
  let queries: ReferralDeadlineQueries;

  const append = async (events: readonly DomainEvent[]) => {
    for (const e of events) await store.append(streamOf(e), [{ id: newEventId(), type: e.type, data: e.data as unknown as Record<string, unknown> }]);
    await runtime.catchUp();
  };

  beforeAll(async () => {
    store = await SqlEventStore.create(await PgliteSqlClient.open(dir), { schema: 'deadlines' });
    runtime = await ProjectionRuntime.start(store, [referralDeadlinesProjection], { pollIntervalMs: 20 });
    queries = new ReferralDeadlineQueries(store.sqlClient, store.schemaName);
    await queries.ensureIndex();
    await queries.ensureIndex(); // a second instance starting finds it there
    await append([...scenario('amina'), ...scenario('omar')]);
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns only open deadlines due strictly before now, earliest first, up to the limit', async () => {
    // In the scenario only r-3's answer (due 2026-01-18T10:00Z) is still open.
    expect(await queries.due(new Date('2026-01-18T10:00:00Z'), 10)).toEqual([]);
    const due = await queries.due(new Date('2026-02-01T00:00:00Z'), 10);
    expect(due.map((d) => [d.referralId, d.deadline])).toEqual([['r-3-amina', 'answer'], ['r-3-omar', 'answer']]);
    expect(due[0]).toEqual({ referralId: 'r-3-amina', subjectId: AMINA, from: REFUGEE, to: HOUSING, deadline: 'answer', dueAt: '2026-01-18T10:00:00.000Z' });
    expect(await queries.due(new Date('2026-02-01T00:00:00Z'), 1)).toHaveLength(1);
  });

  it("names the person's current coordinator, and drops a deadline once it is escalated", async () => {
    const designate = (agency: string, designatedAt: string): DomainEvent => ({
      type: 'CoordinatorDesignated', data: { subjectId: AMINA, agency, basis: { kind: 'consent', consentId: 'k-1' }, designatedBy: agency, designatedAt },
    });
    await append([designate(REFUGEE, '2026-01-15T00:00:00Z'), designate(HEALTH, '2026-01-16T00:00:00Z')]);
    const due = await queries.due(new Date('2026-02-01T00:00:00Z'), 10);
    expect(due.map((d) => [d.referralId, d.coordinator])).toEqual([['r-3-amina', HEALTH], ['r-3-omar', undefined]]);

    await append([{ type: 'ReferralEscalated', data: { referralId: 'r-3-amina', deadline: 'answer', dueAt: '2026-01-18T10:00:00Z', escalatedAt: '2026-01-18T10:00:05Z', notify: [REFUGEE, HEALTH] } }]);
    expect((await queries.due(new Date('2026-02-01T00:00:00Z'), 10)).map((d) => d.referralId)).toEqual(['r-3-omar']);
  });

  it('reads open deadlines through the partial index rather than every row', async () => {
    const plan = await store.sqlClient.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT key FROM deadlines.projection_state WHERE projection = 'referral-deadlines' AND state->>'status' = 'open' AND state->>'dueAt' < '2026-02-01'`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/projection_state_open_referral_deadlines/);
  });
});
