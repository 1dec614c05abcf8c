import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PgSqlClient, SqlEventStore } from '@samhandling/event-store';
import { inboxTopic } from '@samhandling/messaging';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../../../libs/testing/src/services';
import { consentBody, contactBody, referralBody, subjectBody } from '../testing/api-harness';
import { DLQ_HEADERS } from './dead-letter';
import {
  DatabaseProxy, InboxPublisher, kafkaFor, prefixedDirectoryFile, readDeadLetters, startInboxApp, type DeadLetterRead, type InboxApp,
} from './testing/inbox-fixture';

const until = async <T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('Kafka inbox on a real broker and PostgreSQL', () => {
  const work = mkdtempSync(join(tmpdir(), 'inbox-int-'));
  const dir = prefixedDirectoryFile(`t${randomUUID().slice(0, 6)}`, work);
  const schema = uniqueSchema('inbox');
  const groupId = `inbox-test-${randomUUID()}`;
  const refugee = dir.id('oslo-refugee');
  const health = dir.id('oslo-health');
  const imdi = dir.id('imdi');
  let kafka: Kafka;
  let brokers: string[];
  let proxy: DatabaseProxy;
  let proxiedUrl: string;
  let api: InboxApp;
  let store: SqlEventStore;
  let publisher: InboxPublisher;
  let dlq: { letters: DeadLetterRead[]; close(): Promise<void> };
  let subjectId: string;

  /** The API's JSON log lines, for the correlation test. */
  const logLines: Array<Record<string, unknown>> = [];
  const logDestination = { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) };
  const start = () => startInboxApp({ databaseUrl: proxiedUrl, schema, brokers, directoryFile: dir.file, groupId, logDestination });
  const eventCount = async () => (await store.readAll({ after: 0, limit: 100_000 })).length;
  const send = async (agency: string, type: string, data: object, id = `m-${randomUUID()}`, key = subjectId) => {
    await publisher.publish(agency, key, { id, type, actor: `caseworker@${agency}`, data });
    return id;
  };
  /** The group's committed offset (the next message to consume) of one partition. */
  const committed = async (topic: string, partition: number) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return partitions.find((p) => p.partition === partition)!.offset;
    } finally {
      await admin.disconnect();
    }
  };
  const processed = (id: string) => api.outcome((o) => o.messageId === id);
  const letterFor = (id: string) => until(() => dlq.letters.find((l) => l.headers[DLQ_HEADERS.messageId] === id), `a dead letter for ${id}`);

  beforeAll(async () => {
    const url = await postgresUrl();
    brokers = await kafkaBrokers();
    kafka = kafkaFor(brokers);
    ({ proxy, url: proxiedUrl } = await DatabaseProxy.start(url));
    api = await start();
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
    publisher = await InboxPublisher.connect(kafka);
    dlq = await readDeadLetters(kafka, dir.ids);
    subjectId = randomUUID();
    const registered = await send(refugee, 'RegisterSubject', subjectBody({ subjectId }));
    expect(await processed(registered)).toMatchObject({ outcome: 'appended' });
  }, 120_000);

  afterAll(async () => {
    await publisher?.close().catch(() => undefined);
    await dlq?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    const admin = kafka?.admin();
    await admin?.connect().then(() => admin.deleteTopics({ topics: dir.ids.flatMap((a) => [inboxTopic(a), `samhandling.inbox.${a}.dlq.v1`]) })).catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
    await store?.close();
    proxy?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('a valid RecordContact appends exactly one event, on behalf of the topic\'s agency', async () => {
    const before = await eventCount();
    const contact = contactBody();
    const id = await send(refugee, 'RecordContact', { ...contact, subjectId });
    expect(await processed(id)).toMatchObject({ outcome: 'appended', agency: refugee });
    const events = (await store.readAll({ after: 0, limit: 100_000 })).slice(before);
    expect(events.map((e) => [e.streamId, e.type])).toEqual([[`contact-${contact.contactId}`, 'ContactRecorded']]);
    expect(events[0].data).toMatchObject({ agency: refugee, actor: `caseworker@${refugee}` });
    expect(events[0].metadata).toMatchObject({ agency: refugee, idempotencyKey: id });
  }, 60_000);

  it('the same message delivered twice appends one event', async () => {
    const before = await eventCount();
    const id = `m-${randomUUID()}`;
    const data = { ...contactBody(), subjectId };
    await send(health, 'RecordContact', data, id);
    await send(health, 'RecordContact', data, id);
    await api.outcome((o) => o.messageId === id && o.outcome === 'replayed');
    expect(api.outcomes.filter((o) => o.messageId === id).map((o) => o.outcome)).toEqual(['appended', 'replayed']);
    expect(await eventCount()).toBe(before + 1);
  }, 60_000);

  it('invalid messages land in the dead-letter topic with their reason, and append nothing', async () => {
    const before = await eventCount();
    const wrongTypes = await send(refugee, 'RecordContact', { ...contactBody({ interpreterUsed: 'yes' }), subjectId });
    const unknownField = await send(refugee, 'RecordContact', { ...contactBody({ mood: 'fine' }), subjectId });
    const unknownType = await send(refugee, 'EraseSubject', { subjectId });
    await publisher.publish(refugee, subjectId, '{"id": "not-json", "type": "RecordContact"');
    const notJson = await until(() => dlq.letters.find((l) => l.value.startsWith('{"id": "not-json"')), 'the dead letter of the malformed message');

    const letter = await letterFor(wrongTypes);
    expect(letter.headers).toMatchObject({
      [DLQ_HEADERS.code]: 'REQUEST.INVALID', [DLQ_HEADERS.status]: '400', [DLQ_HEADERS.agency]: refugee,
      [DLQ_HEADERS.topic]: inboxTopic(refugee), [DLQ_HEADERS.message]: 'Invalid request: interpreterUsed must be a boolean value',
    });
    expect(letter.headers[DLQ_HEADERS.offset]).toMatch(/^\d+$/);
    expect(letter.headers[DLQ_HEADERS.partition]).toMatch(/^\d+$/);
    expect(letter.key).toBe(subjectId);
    expect(JSON.parse(letter.value)).toMatchObject({ id: wrongTypes, type: 'RecordContact' });
    expect((await letterFor(unknownField)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'REQUEST.INVALID', [DLQ_HEADERS.details]: '["property mood should not exist"]' });
    expect((await letterFor(unknownType)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'INBOX.UNKNOWN_COMMAND', [DLQ_HEADERS.status]: '400' });
    expect(notJson.headers).toMatchObject({ [DLQ_HEADERS.code]: 'REQUEST.MALFORMED_JSON', [DLQ_HEADERS.status]: '400' });
    expect(notJson.headers[DLQ_HEADERS.messageId]).toBeUndefined();
    expect(await eventCount()).toBe(before);
  }, 60_000);

  it('a message the domain refuses is dead-lettered with the domain error code, as HTTP would answer', async () => {
    const unknownConsent = await send(refugee, 'WithdrawConsent', { subjectId, consentId: randomUUID() });
    expect((await letterFor(unknownConsent)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'CONSENT.NOT_FOUND', [DLQ_HEADERS.status]: '404' });

    const referral = referralBody(subjectId, { to: health, categories: ['education'] });
    const sent = await send(refugee, 'SendReferral', referral);
    expect(await processed(sent)).toMatchObject({ outcome: 'appended' });
    const declined = await send(health, 'DeclineReferral', { referralId: referral.referralId, reason: 'not ours' });
    expect(await processed(declined)).toMatchObject({ outcome: 'appended' });
    const before = await eventCount();
    const accepted = await send(health, 'AcceptReferral', { referralId: referral.referralId });
    expect((await letterFor(accepted)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'REFERRAL.ALREADY_DECLINED', [DLQ_HEADERS.status]: '409', [DLQ_HEADERS.agency]: health });
    expect(await eventCount()).toBe(before);

    const consent = await send(refugee, 'GiveConsent', { ...consentBody({ recipients: [{ agency: health }] }), subjectId });
    expect(await processed(consent)).toMatchObject({ outcome: 'appended' });
  }, 60_000);

  it('each message logs under the correlation id its events carry: the envelope\'s correlationId, else its id', async () => {
    const correlationId = `journey-${randomUUID()}`;
    const before = await eventCount();
    const recorded = `m-${randomUUID()}`;
    await publisher.publish(refugee, subjectId, { id: recorded, type: 'RecordContact', actor: `caseworker@${refugee}`, correlationId, data: { ...contactBody(), subjectId } });
    expect(await processed(recorded)).toMatchObject({ outcome: 'appended' });
    const [event] = (await store.readAll({ after: 0, limit: 100_000 })).slice(before);
    expect(event.metadata).toMatchObject({ correlationId, idempotencyKey: recorded });

    // A refusal's warning is logged while the message is handled: it carries the same id.
    const refused = `m-${randomUUID()}`;
    await publisher.publish(refugee, subjectId, { id: refused, type: 'WithdrawConsent', actor: `caseworker@${refugee}`, correlationId, data: { subjectId, consentId: randomUUID() } });
    await letterFor(refused);
    const uncorrelated = await send(refugee, 'WithdrawConsent', { subjectId, consentId: randomUUID() });
    await letterFor(uncorrelated);
    const lines = await until(() => {
      const mine = logLines.filter((l) => String(l.msg).includes('dead-lettered: CONSENT.NOT_FOUND'));
      return mine.some((l) => l.correlationId === correlationId) && mine.some((l) => l.correlationId === uncorrelated) ? mine : undefined;
    }, 'the dead-letter warnings of both refusals');
    expect(lines.map((l) => l.correlationId)).not.toContain(refused);
  }, 60_000);

  it('a coordinator is designated through the inbox on the person\'s consent; a voluntary organisation on a catalog entry is dead-lettered', async () => {
    const consentId = randomUUID();
    const consent = await send(refugee, 'GiveConsent', { ...consentBody({ consentId, recipients: [{ agency: refugee }], categories: ['identity'], purposes: ['coordination'] }), subjectId });
    expect(await processed(consent)).toMatchObject({ outcome: 'appended' });
    const designated = await send(refugee, 'DesignateCoordinator', { subjectId, agency: refugee, caseworker: 'Kari', basis: { kind: 'consent', consentId } });
    expect(await processed(designated)).toMatchObject({ outcome: 'appended', agency: refugee });
    const [event] = (await store.readStream(`subject-${subjectId}`)).filter((e) => e.type === 'CoordinatorDesignated');
    expect(event.data).toMatchObject({ agency: refugee, caseworker: 'Kari', basis: { kind: 'consent', consentId }, designatedBy: refugee });
    expect(event.metadata).toMatchObject({ idempotencyKey: designated });

    const before = await eventCount();
    const voluntary = await send(refugee, 'DesignateCoordinator', { subjectId, agency: dir.id('red-cross-oslo'), basis: { kind: 'legal', entryId: 'paa-13b-1-5' } });
    expect((await letterFor(voluntary)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'COORDINATOR.BASIS_NOT_APPLICABLE', [DLQ_HEADERS.status]: '400' });
    expect(await eventCount()).toBe(before);
  }, 60_000);

  it('the national authority grants residence and links households through its inbox; a municipality is refused', async () => {
    const sponsorId = randomUUID();
    expect(await processed(await send(imdi, 'RegisterSubject', subjectBody({ subjectId: sponsorId }), undefined, sponsorId))).toMatchObject({ outcome: 'appended' });
    const grant = { subjectId, familyReunification: true, sponsorId, municipality: '0301', grantedOn: '2026-11-01' };
    const granted = await send(imdi, 'GrantResidence', grant);
    expect(await processed(granted)).toMatchObject({ outcome: 'appended', agency: imdi });
    const linked = await send(imdi, 'LinkHousehold', { subjectId: sponsorId, memberId: subjectId, relation: 'spouse' }, undefined, sponsorId);
    expect(await processed(linked)).toMatchObject({ outcome: 'appended' });
    const types = (await store.readStream(`subject-${subjectId}`)).map((e) => e.type);
    expect(types).toContain('ResidenceGranted');

    const before = await eventCount();
    const refused = await send(refugee, 'GrantResidence', { ...grant, sponsorId: undefined });
    expect((await letterFor(refused)).headers).toMatchObject({ [DLQ_HEADERS.code]: 'WRITER.KIND_NOT_ALLOWED', [DLQ_HEADERS.status]: '403' });
    expect(await eventCount()).toBe(before);
  }, 60_000);

  describe('while the database is away', () => {
    const warnings: string[] = [];
    beforeAll(() => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: unknown, message: unknown) { warnings.push(String(message)); });
    });
    afterAll(() => jest.restoreAllMocks());
    const retried = (topic: string) => until(() => warnings.find((w) => w.startsWith(topic) && w.includes('not processed') && w.includes('attempt 2')), `a retry on ${topic}`);

    it('retries in place, never dead-letters, and appends once the database is back', async () => {
      const before = await eventCount();
      await proxy.cut();
      const id = await send(refugee, 'RecordContact', { ...contactBody(), subjectId });
      try {
        await retried(inboxTopic(refugee));
      } finally {
        await proxy.restore();
      }
      expect(await processed(id)).toMatchObject({ outcome: 'appended' });
      expect(await eventCount()).toBe(before + 1);
      expect(dlq.letters.filter((l) => l.headers[DLQ_HEADERS.messageId] === id)).toEqual([]);
    }, 60_000);

    it('does not commit the offset: stopped during the outage, a restarted inbox processes the message', async () => {
      const before = await eventCount();
      const topic = inboxTopic(health);
      await proxy.cut();
      warnings.length = 0;
      const id = `m-${randomUUID()}`;
      const at = await publisher.publish(health, subjectId, { id, type: 'RecordContact', actor: 'dr.hansen', data: { ...contactBody(), subjectId } });
      await retried(topic);
      await api.close();
      await proxy.restore();
      expect(api.outcomes.filter((o) => o.messageId === id)).toEqual([]);
      expect(await committed(topic, at.partition)).toBe(at.offset === '0' ? '-1' : at.offset);

      api = await start();
      expect(await processed(id)).toMatchObject({ outcome: 'appended', agency: health, partition: at.partition, offset: at.offset });
      expect(await eventCount()).toBe(before + 1);
      expect(await committed(topic, at.partition)).toBe(String(BigInt(at.offset) + 1n));
      // Only that message was consumed again: what came before it had been committed.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(api.outcomes.map((o) => o.messageId)).toEqual([id]);
      expect(dlq.letters.filter((l) => l.headers[DLQ_HEADERS.messageId] === id)).toEqual([]);
    }, 90_000);
  });
});
