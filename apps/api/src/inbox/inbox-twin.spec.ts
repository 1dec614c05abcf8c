import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { CommandBus } from '@nestjs/cqrs';
import { conflict } from '@samhandling/domain';
import { WrongExpectedRevisionError } from '@samhandling/event-store';
import { validationPipe } from '../app.module';
import { ReReferralMessage } from '../platform/commands/command-message';
import type { CommandResult } from '../platform/commands/handle-command';
import { loadConfig } from '../platform/config/app-config';
import { ApiHarness, consentBody, contactBody, referralBody } from '../testing/api-harness';
import { deadLetterMessage, DLQ_HEADERS } from './dead-letter';
import { refusalOf } from './inbox-consumer';
import { InProcessInbox } from './inbox.providers';
import type { BusMessage } from './inbox-commands';
import { parseInboxMessage, toBusMessage } from './inbox-message';

/** Over the embedded store (no broker): a message runs through the bus exactly like its HTTP twin. */
describe('inbox commands on the API command bus', () => {
  let api: ApiHarness;
  let subjectId: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    subjectId = await api.registerSubject();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const busMessage = async (agency: string, id: string, type: string, data: object): Promise<BusMessage> => {
    const parsed = await parseInboxMessage(Buffer.from(JSON.stringify({ id, type, actor: `caseworker@${agency}`, data })), validationPipe);
    return toBusMessage(parsed, agency);
  };
  const run = async (agency: string, id: string, type: string, data: object): Promise<CommandResult> =>
    api.app.get(CommandBus).execute(await busMessage(agency, id, type, data));

  /** POSTs as `as` with Idempotency-Key (and correlation id) `key`; returns the answer and the bus message the controller dispatched. */
  const overHttp = async (path: string, body: object, as: string, key: string) => {
    const execute = jest.spyOn(api.app.get(CommandBus), 'execute');
    try {
      const res = await api.post(path, body, { as, headers: { 'Idempotency-Key': key, 'X-Correlation-Id': key } });
      return { res, dispatched: execute.mock.calls[0]?.[0] as BusMessage };
    } finally {
      execute.mockRestore();
    }
  };
  /** The clock is read when a message is built: equal up to the time it was built. */
  const timeless = (message: BusMessage) =>
    message instanceof ReReferralMessage ? { ...message, now: undefined } : { ...message, command: { ...message.command, metadata: { ...message.command.metadata, now: undefined } } };

  it('shares the Idempotency-Key space with HTTP: a message retrying an HTTP request appends nothing', async () => {
    const key = `k-${randomUUID()}`;
    const body = contactBody();
    const first = await api.post(`/subjects/${subjectId}/contacts`, body, { headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    const replay = await api.appendsNothing(() => run('oslo-refugee', key, 'RecordContact', { ...body, subjectId }));
    expect(replay).toMatchObject({ replayed: true, events: first.body.events });

    // A command without a body (acknowledgement) too.
    const referral = referralBody(subjectId);
    expect((await api.post('/referrals', referral)).status).toBe(201);
    const ackKey = `k-${randomUUID()}`;
    const ack = await api.post(`/referrals/${referral.referralId}/acknowledgement`, undefined, { as: 'oslo-health', headers: { 'Idempotency-Key': ackKey } });
    expect(ack.status).toBe(201);
    await expect(api.appendsNothing(() => run('oslo-health', ackKey, 'AcknowledgeReferral', { referralId: referral.referralId }))).resolves.toMatchObject({ replayed: true });
  });

  it('designates a coordinator and re-refers as HTTP does: the same bus message, and a retry of the HTTP request appends nothing', async () => {
    const consent = consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['identity'], purposes: ['coordination'] });
    expect((await api.post(`/subjects/${subjectId}/consents`, consent)).status).toBe(201);
    const designation = { agency: 'oslo-refugee', caseworker: 'Kari', basis: { kind: 'consent', consentId: consent.consentId } };
    const key = `k-${randomUUID()}`;
    const http = await overHttp(`/subjects/${subjectId}/coordinator`, designation, 'oslo-refugee', key);
    expect(http.res.status).toBe(201);
    const message = await busMessage('oslo-refugee', key, 'DesignateCoordinator', { ...designation, subjectId });
    expect(timeless(message)).toEqual(timeless(http.dispatched));
    await expect(api.appendsNothing(() => run('oslo-refugee', key, 'DesignateCoordinator', { ...designation, subjectId }))).resolves.toMatchObject({ replayed: true, events: http.res.body.events });

    const declined = referralBody(subjectId);
    expect((await api.post('/referrals', declined)).status).toBe(201);
    expect((await api.post(`/referrals/${declined.referralId}/decline`, { reason: 'not ours', suggestedAgency: 'nav-oslo' }, { as: 'oslo-health' })).status).toBe(201);
    const again = { referralId: randomUUID(), acknowledgeBy: declined.acknowledgeBy, answerBy: declined.answerBy };
    const reKey = `k-${randomUUID()}`;
    const reHttp = await overHttp(`/referrals/${declined.referralId}/re-referral`, again, 'oslo-refugee', reKey);
    expect(reHttp.res.status).toBe(201);
    expect(reHttp.dispatched).toBeInstanceOf(ReReferralMessage);
    const reMessage = await busMessage('oslo-refugee', reKey, 'ReReferReferral', { ...again, declinedReferralId: declined.referralId });
    expect(timeless(reMessage)).toEqual(timeless(reHttp.dispatched));
    await expect(api.appendsNothing(() => run('oslo-refugee', reKey, 'ReReferReferral', { ...again, declinedReferralId: declined.referralId })))
      .resolves.toMatchObject({ replayed: true, events: reHttp.res.body.events });
  });

  it('refuses what HTTP refuses for coordinators and re-referrals, with the same codes', async () => {
    const designation = { subjectId, agency: 'red-cross-oslo', basis: { kind: 'legal', entryId: 'paa-13b-1-5' } };
    const voluntary = await api.appendsNothing(() => run('oslo-refugee', `k-${randomUUID()}`, 'DesignateCoordinator', designation).catch((e: unknown) => e));
    expect(refusalOf(voluntary)).toMatchObject({ statusCode: 400, error: 'COORDINATOR.BASIS_NOT_APPLICABLE' });

    const declined = referralBody(subjectId);
    await api.post('/referrals', declined);
    await api.post(`/referrals/${declined.referralId}/decline`, { reason: 'not ours', suggestedAgency: 'nav-oslo' }, { as: 'oslo-health' });
    const again = { declinedReferralId: declined.referralId, referralId: randomUUID(), acknowledgeBy: declined.acknowledgeBy, answerBy: declined.answerBy };
    const notSender = await api.appendsNothing(() => run('oslo-health', `k-${randomUUID()}`, 'ReReferReferral', again).catch((e: unknown) => e));
    expect(refusalOf(notSender)).toMatchObject({ statusCode: 403, error: 'REFERRAL.NOT_SENDER' });
    const unknown = await api.appendsNothing(() => run('oslo-refugee', `k-${randomUUID()}`, 'ReReferReferral', { ...again, declinedReferralId: randomUUID() }).catch((e: unknown) => e));
    expect(refusalOf(unknown)).toMatchObject({ statusCode: 404, error: 'REFERRAL.NOT_FOUND' });
  });

  it('refuses what HTTP refuses, with the same code: a stranger may not withdraw a consent it has nothing to do with', async () => {
    const consent = consentBody({ recipients: [{ agency: 'oslo-health' }], categories: ['education'], purposes: ['follow_up'] });
    expect((await api.post(`/subjects/${subjectId}/consents`, consent, { as: 'oslo-refugee' })).status).toBe(201);
    const withdrawal = { subjectId, consentId: consent.consentId, reason: 'Asked to stop', evidence: { kind: 'written', reference: 'archive 2026/5' } };
    const error = await api.appendsNothing(() => run('bergen-refugee', `k-${randomUUID()}`, 'WithdrawConsent', withdrawal).catch((e: unknown) => e));
    expect(refusalOf(error)).toMatchObject({ statusCode: 403, error: 'WRITER.NOT_INVOLVED' });
  });

  it('does not run without Kafka (the embedded default)', async () => {
    const inbox = api.app.get(InProcessInbox);
    expect(inbox.enabled).toBe(false);
    await expect(inbox.ready()).resolves.toBeUndefined();
  });

  it('refuses what HTTP refuses, with the same code: a municipality may not grant residence', async () => {
    const error = await api.appendsNothing(() =>
      run('oslo-refugee', `k-${randomUUID()}`, 'GrantResidence', { subjectId, familyReunification: false, municipality: '0301', grantedOn: '2026-11-01' }).catch((e: unknown) => e),
    );
    expect(refusalOf(error)).toMatchObject({ statusCode: 403, error: 'WRITER.KIND_NOT_ALLOWED' });
  });
});

describe('what is dead-lettered and what is retried', () => {
  it('dead-letters refusals (4xx), retries everything else', () => {
    expect(refusalOf(conflict('REFERRAL.ALREADY_DECLINED', 'declined'))).toMatchObject({ statusCode: 409, error: 'REFERRAL.ALREADY_DECLINED' });
    expect(refusalOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(refusalOf(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBeUndefined();
    expect(refusalOf(new WrongExpectedRevisionError('contact-1', 3, 4))).toBeUndefined();
    expect(refusalOf(new TypeError('bug'))).toBeUndefined();
  });

  it('a dead letter is the original message plus the error and where it came from', () => {
    const traceparent = Buffer.from('00-abc');
    const original: KafkaMessage = { key: Buffer.from('subject-1'), value: Buffer.from('{"id":"m-1"'), offset: '41', timestamp: '0', attributes: 0, headers: { traceparent } };
    const letter = deadLetterMessage({
      agency: 'oslo-health', topic: 'samhandling.inbox.oslo-health.v1', partition: 2, original, messageId: 'm-1',
      error: { statusCode: 400, error: 'REQUEST.INVALID', message: 'Invalid request: x must be a string', details: ['x must be a string'] },
    });
    expect(letter.key).toBe(original.key);
    expect(letter.value).toBe(original.value);
    expect(letter.headers).toEqual({
      traceparent,
      [DLQ_HEADERS.code]: 'REQUEST.INVALID',
      [DLQ_HEADERS.message]: 'Invalid request: x must be a string',
      [DLQ_HEADERS.status]: '400',
      [DLQ_HEADERS.details]: '["x must be a string"]',
      [DLQ_HEADERS.topic]: 'samhandling.inbox.oslo-health.v1',
      [DLQ_HEADERS.partition]: '2',
      [DLQ_HEADERS.offset]: '41',
      [DLQ_HEADERS.messageId]: 'm-1',
      [DLQ_HEADERS.agency]: 'oslo-health',
    });
  });
});

describe('inbox settings', () => {
  it('runs with KAFKA_BROKERS unless INBOX_ENABLED=false, one consumer group per deployment (schema)', () => {
    expect(loadConfig({}).kafka).toBeUndefined();
    const on = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', DATABASE_SCHEMA: 'prod' });
    expect(on.kafka?.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(on.inbox).toEqual({ enabled: true, groupId: 'samhandling-inbox-prod', partitions: 3, replicationFactor: 1, maxAttempts: 5 });
    expect(loadConfig({ KAFKA_BROKERS: 'k1:9092', INBOX_ENABLED: 'false' }).inbox.enabled).toBe(false);
    expect(loadConfig({ INBOX_GROUP_ID: 'blue', INBOX_TOPIC_PARTITIONS: '6' }).inbox).toMatchObject({ groupId: 'blue', partitions: 6 });
    expect(() => loadConfig({ INBOX_TOPIC_PARTITIONS: 'many' })).toThrow(/INBOX_TOPIC_PARTITIONS/);
    expect(loadConfig({ INBOX_MAX_ATTEMPTS: '3' }).inbox.maxAttempts).toBe(3);
    expect(() => loadConfig({ INBOX_MAX_ATTEMPTS: '0' })).toThrow(/INBOX_MAX_ATTEMPTS/);
  });
});
