import { deadlineKey, ProjectionRuntime, ReferralDeadlineQueries, referralDeadlinesProjection } from '@samhandling/projections';
import type { SqlEventStore } from '@samhandling/event-store';
import { PROJECTIONS } from '../reads/reads.providers';
import { referralBody } from '../testing/api-harness';
import { DeadlineScheduler, type DeadlineSchedulerOptions } from './deadline-scheduler';
import { inMs, RestartableApi, sleep, until, type ApiInstance } from './testing/restartable-api';

const SENDER = 'oslo-refugee';
const RECEIVER = 'oslo-health';
const COORDINATOR = 'oslo-adult-learning';
const FAST = { enabled: true, intervalMs: 100 };

describe('deadline scheduler across restarts (embedded store, HTTP)', () => {
  let api: RestartableApi;
  beforeAll(() => {
    api = RestartableApi.create();
  });
  afterAll(() => api?.dispose());

  it('escalates a deadline that passed while no scheduler ran exactly once, to the sender and the coordinator, and never again', async () => {
    const first = await api.start(FAST);
    const subjectId = await first.registerSubject(SENDER);
    await first.designateCoordinator(subjectId, COORDINATOR);
    const acknowledgeBy = inMs(2_000);
    const referral = referralBody(subjectId, { to: RECEIVER, acknowledgeBy, answerBy: inMs(3_600_000) });
    const referralId = referral.referralId as string;
    expect((await first.post('/referrals', referral, SENDER)).status).toBe(201);
    await first.ticked(2);
    expect(await first.escalations(referralId)).toEqual([]);
    await api.stop(first);
    // Otherwise this test would prove nothing about restarts.
    expect(Date.now()).toBeLessThan(Date.parse(acknowledgeBy));

    await sleep(Date.parse(acknowledgeBy) - Date.now() + 100);
    const second = await api.start(FAST);
    await until(async () => (await second.escalations(referralId)).length > 0, 'the escalation');
    await second.ticked(3);
    const [escalation, ...more] = await second.escalations(referralId);
    expect(more).toEqual([]);
    expect(escalation.data).toEqual({ referralId, deadline: 'acknowledgement', dueAt: acknowledgeBy, escalatedAt: expect.any(String), notify: [SENDER, COORDINATOR] });
    expect(Date.parse(escalation.data.escalatedAt as string)).toBeGreaterThan(Date.parse(acknowledgeBy));
    expect(escalation.metadata).toMatchObject({ agency: 'samhandling', actor: 'deadline-scheduler', idempotencyKey: `escalate:${referralId}:acknowledgement` });

    // The sender's board shows it, overdue and escalated.
    const board = await second.get('/referral-board', SENDER);
    expect(board.body.outgoing.find((r: { referralId: string }) => r.referralId === referralId)).toMatchObject({
      overdue: true, escalations: [{ deadline: 'acknowledgement', escalatedAt: escalation.data.escalatedAt }],
    });
    await api.stop(second);

    const third = await api.start(FAST);
    await third.ticked(3);
    expect(await third.escalations(referralId)).toHaveLength(1);
    await api.stop(third);
  }, 60_000);
});

describe('deadline scheduler decisions (embedded store, injected clock)', () => {
  let api: RestartableApi;
  let instance: ApiInstance;
  let store: SqlEventStore;
  let runtime: ProjectionRuntime;
  let queries: ReferralDeadlineQueries;
  const extra: ProjectionRuntime[] = [];

  beforeAll(async () => {
    api = RestartableApi.create();
    instance = await api.start({ enabled: false });
    store = instance.store as SqlEventStore;
    runtime = instance.app.get(PROJECTIONS);
    queries = new ReferralDeadlineQueries(store.sqlClient, store.schemaName);
    await queries.ensureIndex();
  }, 60_000);
  afterAll(async () => {
    for (const r of extra) await r.stop();
    await api?.dispose();
  });

  const schedulerAt = (at: string, options: Partial<DeadlineSchedulerOptions> = {}, projections: ProjectionRuntime = runtime) =>
    new DeadlineScheduler(store, projections, queries, { intervalMs: 50, escalateToCoordinator: true, clock: () => new Date(Date.parse(at) + 1_000), ...options });

  const send = async (overrides: Record<string, unknown> = {}) => {
    const subjectId = await instance.registerSubject(SENDER);
    const body = referralBody(subjectId, { to: RECEIVER, acknowledgeBy: inMs(60_000), answerBy: inMs(120_000), ...overrides });
    const res = await instance.post('/referrals', body, SENDER);
    expect(res.status).toBe(201);
    return { subjectId, referralId: body.referralId as string, acknowledgeBy: body.acknowledgeBy as string, answerBy: body.answerBy as string };
  };

  it('does nothing before a deadline, then escalates it once when it has passed', async () => {
    const { referralId, acknowledgeBy } = await send();
    expect(await schedulerAt(acknowledgeBy, { clock: () => new Date(acknowledgeBy) }).tick()).toEqual({ escalated: 0, skipped: 0, failed: 0 });
    expect(await schedulerAt(acknowledgeBy).tick()).toEqual({ escalated: 1, skipped: 0, failed: 0 });
    expect(await schedulerAt(acknowledgeBy).tick()).toEqual({ escalated: 0, skipped: 0, failed: 0 });
    expect((await instance.escalations(referralId)).map((e) => e.data.deadline)).toEqual(['acknowledgement']);
  });

  it('records one escalation when two schedulers (each with its own projection runtime) and a doubled tick race', async () => {
    const { referralId, acknowledgeBy } = await send();
    const other = await ProjectionRuntime.start(store, [referralDeadlinesProjection], { pollIntervalMs: 20 });
    extra.push(other);
    const one = schedulerAt(acknowledgeBy);
    const two = schedulerAt(acknowledgeBy, {}, other);
    const outcomes = await Promise.all([one.tick(), two.tick(), one.tick()]);
    expect(outcomes.reduce((n, o) => n + o.escalated, 0)).toBe(1);
    expect(outcomes.reduce((n, o) => n + o.failed, 0)).toBe(0);
    expect(await instance.escalations(referralId)).toHaveLength(1);
  });

  it('leaves a deadline met in time alone, and escalates the answer deadline when nobody accepted', async () => {
    const { referralId, acknowledgeBy, answerBy } = await send();
    expect((await instance.post(`/referrals/${referralId}/acknowledgement`, {}, RECEIVER)).status).toBe(201);
    expect((await schedulerAt(acknowledgeBy).tick()).escalated).toBe(0);
    expect(await instance.escalations(referralId)).toEqual([]);
    await schedulerAt(answerBy).tick();
    expect((await instance.escalations(referralId)).map((e) => e.data.deadline)).toEqual(['answer']);
  });

  it('tells the coordinator when configured to, and only the sender when ESCALATE_TO_COORDINATOR is off', async () => {
    const told = await send();
    await instance.designateCoordinator(told.subjectId, COORDINATOR);
    await schedulerAt(told.acknowledgeBy).tick();
    expect((await instance.escalations(told.referralId)).map((e) => e.data.notify)).toEqual([[SENDER, COORDINATOR]]);

    const quiet = await send({ acknowledgeBy: inMs(90_000) });
    await instance.designateCoordinator(quiet.subjectId, COORDINATOR);
    await schedulerAt(quiet.acknowledgeBy, { escalateToCoordinator: false }).tick();
    expect((await instance.escalations(quiet.referralId)).map((e) => e.data.notify)).toEqual([[SENDER]]);
  });

  it('repeats nothing when the projection lags behind the log (a crash between append and projection update)', async () => {
    const escalated = await send();
    const met = await send({ acknowledgeBy: inMs(90_000) });
    await schedulerAt(escalated.acknowledgeBy).tick();
    expect((await instance.post(`/referrals/${met.referralId}/acknowledgement`, {}, RECEIVER)).status).toBe(201);
    await runtime.catchUp();
    // Roll both rows back to open, as if the projection had not applied the last events.
    for (const key of [deadlineKey(escalated.referralId, 'acknowledgement'), deadlineKey(met.referralId, 'acknowledgement')]) {
      await store.sqlClient.query(`UPDATE ${store.schemaName}.projection_state SET state = state || '{"status":"open"}' WHERE projection = 'referral-deadlines' AND key = $1`, [key]);
    }
    expect(await schedulerAt(met.acknowledgeBy).tick()).toEqual({ escalated: 0, skipped: 2, failed: 0 });
    expect(await instance.escalations(escalated.referralId)).toHaveLength(1);
    expect(await instance.escalations(met.referralId)).toEqual([]);
  });
});
