import { PgSqlClient } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../../../libs/testing/src/services';
import { referralBody } from '../testing/api-harness';
import { inMs, RestartableApi, sleep, until } from './testing/restartable-api';

const FAST = { enabled: true, intervalMs: 100 };

describe('deadline scheduler on PostgreSQL: restarted across a deadline, then two instances at once', () => {
  let url: string;
  let api: RestartableApi | undefined;
  const schema = uniqueSchema('follow_up');

  beforeAll(async () => {
    url = await postgresUrl();
    api = RestartableApi.create({ databaseUrl: url, schema });
  }, 120_000);
  afterAll(async () => {
    await api?.dispose();
    if (!url) return;
    const sql = new PgSqlClient(url);
    await sql.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
    await sql.close();
  });

  it('records exactly one escalation for a deadline that passed while no instance ran', async () => {
    const first = await api!.start(FAST);
    const subjectId = await first.registerSubject('oslo-refugee');
    const acknowledgeBy = inMs(2_000);
    const referral = referralBody(subjectId, { to: 'oslo-health', acknowledgeBy, answerBy: inMs(3_600_000) });
    const referralId = referral.referralId as string;
    expect((await first.post('/referrals', referral, 'oslo-refugee')).status).toBe(201);
    await first.ticked(2);
    expect(await first.escalations(referralId)).toEqual([]);
    await api!.stop(first);
    expect(Date.now()).toBeLessThan(Date.parse(acknowledgeBy));

    await sleep(Date.parse(acknowledgeBy) - Date.now() + 100);
    // Two API instances come up together on the same database, both running the scheduler.
    const [one, two] = await Promise.all([api!.start(FAST), api!.start(FAST)]);
    await until(async () => (await one.escalations(referralId)).length > 0, 'the escalation');
    await Promise.all([one.ticked(3), two.ticked(3)]);
    const escalations = await one.escalations(referralId);
    expect(escalations.map((e) => e.data)).toEqual([
      { referralId, deadline: 'acknowledgement', dueAt: acknowledgeBy, escalatedAt: expect.any(String), notify: ['oslo-refugee'] },
    ]);
    await Promise.all([api!.stop(one), api!.stop(two)]);

    const again = await api!.start(FAST);
    await again.ticked(3);
    expect(await again.escalations(referralId)).toHaveLength(1);
  }, 90_000);
});
