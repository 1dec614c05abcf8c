import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PgSqlClient, SqlEventStore } from '@samhandling/event-store';
import { deadLetterTopic, inboxTopic } from '@samhandling/messaging';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../../../libs/testing/src/services';
import { contactBody, subjectBody } from '../testing/api-harness';
import { DLQ_HEADERS } from './dead-letter';
import {
  DatabaseProxy, InboxPublisher, kafkaFor, prefixedDirectoryFile, readDeadLetters, startInboxApp, type DeadLetterRead, type InboxApp,
} from './testing/inbox-fixture';

const MAX_ATTEMPTS = 3;

const until = async <T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> => {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
};

/**
 * A message the database refuses every time (here: a trigger raising a check violation for one
 * person's stream, as a NUL in a name once did with 22P05) must not stop its partition: after a
 * few attempts it is dead-lettered with its cause, and the message behind it is appended. An
 * outage, however long, is still retried in place.
 */
describe('Kafka inbox: a poison message on a real broker and PostgreSQL', () => {
  const work = mkdtempSync(join(tmpdir(), 'inbox-poison-'));
  const dir = prefixedDirectoryFile(`p${randomUUID().slice(0, 6)}`, work);
  const schema = uniqueSchema('inbox_poison');
  const refugee = dir.id('oslo-refugee');
  const warnings: string[] = [];
  const errors: string[] = [];
  let kafka: Kafka;
  let proxy: DatabaseProxy;
  let api: InboxApp;
  let store: SqlEventStore;
  let publisher: InboxPublisher;
  let dlq: { letters: DeadLetterRead[]; close(): Promise<void> };
  let subjectId: string;
  const poisonedId = randomUUID();

  const send = (data: object, type: string, key = subjectId) => {
    const id = `m-${randomUUID()}`;
    return publisher.publish(refugee, key, { id, type, actor: `caseworker@${refugee}`, data }).then((at) => ({ id, ...at }));
  };
  const processed = (id: string) => api.outcome((o) => o.messageId === id);
  const eventCount = async () => (await store.readAll({ after: 0, limit: 100_000 })).length;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    const url = await postgresUrl();
    const brokers = await kafkaBrokers();
    kafka = kafkaFor(brokers);
    let proxiedUrl: string;
    ({ proxy, url: proxiedUrl } = await DatabaseProxy.start(url));
    api = await startInboxApp({ databaseUrl: proxiedUrl, schema, brokers, directoryFile: dir.file, groupId: `inbox-poison-${randomUUID()}`, maxAttempts: MAX_ATTEMPTS });
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
    // A real PostgreSQL error on every append to one person's stream, whatever the message says.
    await store.sqlClient.query(`CREATE FUNCTION ${schema}.refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.stream_id = 'subject-${poisonedId}' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END IF;
        RETURN NEW;
      END $$`);
    await store.sqlClient.query(`CREATE TRIGGER refuse_poisoned BEFORE INSERT ON ${schema}.events FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_poisoned()`);
    publisher = await InboxPublisher.connect(kafka);
    dlq = await readDeadLetters(kafka, [refugee]);
    subjectId = randomUUID();
    const registered = await send(subjectBody({ subjectId }), 'RegisterSubject');
    expect(await processed(registered.id)).toMatchObject({ outcome: 'appended' });
  }, 120_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await publisher?.close().catch(() => undefined);
    await dlq?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    const admin = kafka?.admin();
    await admin?.connect().then(() => admin.deleteTopics({ topics: dir.ids.flatMap((a) => [inboxTopic(a), deadLetterTopic(a)]) })).catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
    await store?.close();
    proxy?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('is dead-lettered with its cause after a few attempts, and the message behind it on its partition is appended', async () => {
    const before = await eventCount();
    // Both keyed by the same person: one partition, the poison first.
    const poison = await send(subjectBody({ subjectId: poisonedId, givenName: 'Poison' }), 'RegisterSubject');
    const contact = contactBody();
    const valid = await send({ ...contact, subjectId }, 'RecordContact');
    expect(valid.partition).toBe(poison.partition);

    expect(await processed(valid.id)).toMatchObject({ outcome: 'appended', offset: valid.offset });
    expect(await processed(poison.id)).toMatchObject({ outcome: 'dead-lettered', error: { error: 'INBOX.NOT_PROCESSED', statusCode: 500 } });
    expect(api.outcomes.map((o) => o.messageId).slice(-2)).toEqual([poison.id, valid.id]);
    const events = (await store.readAll({ after: 0, limit: 100_000 })).slice(before);
    expect(events.map((e) => [e.streamId, e.type])).toEqual([[`contact-${contact.contactId}`, 'ContactRecorded']]);

    const letter = await until(() => dlq.letters.find((l) => l.headers[DLQ_HEADERS.messageId] === poison.id), 'the poison message\'s dead letter');
    expect(letter.headers).toMatchObject({
      [DLQ_HEADERS.code]: 'INBOX.NOT_PROCESSED', [DLQ_HEADERS.status]: '500', [DLQ_HEADERS.attempts]: String(MAX_ATTEMPTS),
      [DLQ_HEADERS.topic]: inboxTopic(refugee), [DLQ_HEADERS.partition]: String(poison.partition), [DLQ_HEADERS.offset]: poison.offset,
      [DLQ_HEADERS.agency]: refugee,
    });
    expect(letter.headers[DLQ_HEADERS.cause]).toMatch(/code=23514/);
    expect(letter.key).toBe(subjectId);
    expect(JSON.parse(letter.value)).toMatchObject({ id: poison.id, type: 'RegisterSubject' });
    // Tried exactly MAX_ATTEMPTS times; the log names the cause's code, never the message's content.
    const tries = warnings.filter((w) => w.includes(`@${poison.offset} not processed`));
    expect(tries).toHaveLength(MAX_ATTEMPTS - 1);
    expect(tries[0]).toMatch(/code=23514.*failure 1 of 3/);
    expect(errors.filter((e) => e.includes(`@${poison.offset} dead-lettered after ${MAX_ATTEMPTS} attempts`))).toHaveLength(1);
    expect([...warnings, ...errors].filter((line) => line.includes('Poison'))).toEqual([]);
  }, 60_000);

  it('an outage is retried past that limit, never dead-lettered, and the message is appended once the database is back', async () => {
    const before = await eventCount();
    await proxy.cut();
    let sent: { id: string; offset: string };
    try {
      sent = await send({ ...contactBody(), subjectId }, 'RecordContact');
      await until(() => warnings.find((w) => w.includes(`@${sent.offset} not processed`) && w.includes(`attempt ${MAX_ATTEMPTS + 2},`)), 'retries past the attempt limit');
    } finally {
      await proxy.restore();
    }
    expect(await processed(sent.id)).toMatchObject({ outcome: 'appended' });
    expect(await eventCount()).toBe(before + 1);
    expect(warnings.filter((w) => w.includes(`@${sent.offset} not processed`)).every((w) => w.includes('the store is unavailable'))).toBe(true);
    expect(dlq.letters.filter((l) => l.headers[DLQ_HEADERS.messageId] === sent.id)).toEqual([]);
  }, 60_000);
});
