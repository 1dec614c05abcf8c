import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMAS } from '@samhandling/domain';
import { InvalidAppendError, PgliteSqlClient, SqlEventStore, type NewEvent, type SqlClient } from '@samhandling/event-store';
import { PersonalDataCodec } from './personal-data-codec';
import { PERSONAL_FIELDS } from './personal-fields';
import { SqlKeyStore, keysSchema } from './key-store';
import { isSealed, open, parseSealed, seal } from './sealed-field';

const registered = (subjectId: string, over: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(), type: 'SubjectRegistered',
  data: { subjectId, givenName: 'Amina', familyName: 'Haddad', birthDate: '1990-04-02', nationalId: '02049012345', registeredBy: 'oslo-refugee', registeredAt: '2026-06-01T10:00:00.000Z', ...over },
});
const contact = (subjectId: string): NewEvent => ({
  id: randomUUID(), type: 'ContactRecorded',
  data: {
    contactId: randomUUID(), subjectId, agency: 'oslo-health', actor: 'kari', occurredAt: '2026-06-01T10:00:00.000Z', recordedAt: '2026-06-01T10:00:00.000Z',
    channel: 'in_person', categories: ['health'], summary: 'Sleeps badly since the move', concerns: ['housing is cold', 'no interpreter'], interpreterUsed: false,
  },
});

describe('PersonalDataCodec (crypto-shredding, on PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-privacy-'));
  let sql: SqlClient;
  let n = 0;
  let schema: string;
  let keys: SqlKeyStore;
  let store: SqlEventStore;
  let codec: PersonalDataCodec;

  beforeAll(async () => {
    sql = await PgliteSqlClient.open(dir);
  }, 60_000);
  beforeEach(async () => {
    schema = `privacy_${++n}`;
    store = await SqlEventStore.create(sql, { schema });
    keys = await SqlKeyStore.create(sql, schema);
    codec = new PersonalDataCodec(keys, async (streamId) => (await store.readStream(streamId, { limit: 1 }))[0]?.data.subjectId as string | undefined);
    store.encodeWith(codec);
  });
  afterAll(async () => {
    await store.close();
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a text field of its schema for every personal path of every event type', () => {
    expect(Object.keys(PERSONAL_FIELDS).sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
    for (const [type, paths] of Object.entries(PERSONAL_FIELDS)) {
      for (const path of paths) {
        let schemaAt = (EVENT_SCHEMAS as Record<string, unknown>)[type] as { properties?: Record<string, unknown>; items?: unknown; type?: string; $ref?: string } | undefined;
        for (const part of path.split('.')) schemaAt = schemaAt?.properties?.[part] as typeof schemaAt;
        const leaf = schemaAt?.type === 'array' ? schemaAt.items as typeof schemaAt : schemaAt;
        expect({ type, path, known: leaf !== undefined }).toEqual({ type, path, known: true });
      }
    }
  });

  it('stores names, birth date, national id, summaries and concerns sealed, ids and categories in clear, and reveals them on the way out', async () => {
    const subjectId = randomUUID();
    await store.append(`subject-${subjectId}`, [registered(subjectId)]);
    await store.append(`contact-${randomUUID()}`, [contact(subjectId)]);
    const raw = await sql.query<{ t: string }>(`SELECT data::text AS t FROM ${schema}.events ORDER BY position`);
    for (const plaintext of ['Amina', 'Haddad', '1990-04-02', '02049012345', 'Sleeps badly', 'housing is cold']) {
      expect(raw.map((r) => r.t).join('\n')).not.toContain(plaintext);
    }
    const [subject, recorded] = await store.readAll({ after: 0, limit: 10 });
    expect(subject.data).toMatchObject({ subjectId, registeredBy: 'oslo-refugee', givenName: expect.stringMatching(/^enc:v1:/) });
    expect(recorded.data).toMatchObject({ subjectId, categories: ['health'], agency: 'oslo-health', concerns: [expect.stringMatching(/^enc:v1:/), expect.stringMatching(/^enc:v1:/)] });
    expect(await codec.reveal({ people: [subject.data, recorded.data], count: 2 })).toEqual({
      people: [
        expect.objectContaining({ givenName: 'Amina', familyName: 'Haddad', birthDate: '1990-04-02', nationalId: '02049012345' }),
        expect.objectContaining({ summary: 'Sleeps badly since the move', concerns: ['housing is cold', 'no interpreter'] }),
      ],
      count: 2,
    });
  });

  it('seals the same event to the same bytes, so a retried append is a replay', async () => {
    const subjectId = randomUUID();
    const event = registered(subjectId);
    const first = await codec.encode('s', [event]);
    expect(await codec.encode('s', [event])).toEqual(first);
    const stream = `subject-${subjectId}`;
    const a = await store.append(stream, [event]);
    expect(await store.append(stream, [event])).toEqual(a);
  });

  it('finds the person of a referral\'s later step from its stream', async () => {
    const subjectId = randomUUID();
    const referralId = randomUUID();
    const stream = `referral-${referralId}`;
    await store.append(stream, [{ id: randomUUID(), type: 'ReferralSent', data: { referralId, subjectId, from: 'a', to: 'b', reason: 'needs a flat', categories: ['housing'] } }]);
    await store.append(stream, [{ id: randomUUID(), type: 'ReferralDeclined', data: { referralId, by: 'b', actor: 'ola', reason: 'wrong service for a flat' } }]);
    const [, declined] = await store.readStream(stream);
    expect(parseSealed(declined.data.reason as string)?.subjectId).toBe(subjectId);
    expect(await codec.reveal(declined.data.reason)).toBe('wrong service for a flat');
    await expect(store.append('referral-unknown', [{ id: randomUUID(), type: 'ReferralDeclined', data: { referralId, by: 'b', actor: 'ola', reason: 'x' } }]))
      .rejects.toThrow(InvalidAppendError);
  });

  it('seals a field copied from an earlier event again for its new place, and refuses one sealed for someone else', async () => {
    const subjectId = randomUUID();
    const other = randomUUID();
    const [sealedEvent] = await codec.encode('s', [registered(subjectId)]);
    const copied = { id: randomUUID(), type: 'ArrivalNotice', data: { subjectId, givenName: sealedEvent.data.givenName, familyName: 'Haddad', birthDate: '1990-04-02' } };
    const [arrival] = await codec.encode('s', [copied]);
    expect(arrival.data.givenName).not.toBe(sealedEvent.data.givenName);
    expect(parseSealed(arrival.data.givenName as string)).toMatchObject({ eventId: copied.id, path: 'givenName' });
    expect(await codec.reveal(arrival.data.givenName)).toBe('Amina');
    await expect(codec.encode('s', [{ ...copied, id: randomUUID(), data: { ...copied.data, subjectId: other } }])).rejects.toThrow(/not this person's/);
    await expect(codec.encode('s', [{ ...copied, id: randomUUID(), data: { ...copied.data, givenName: 'enc:v1:forged' } }])).rejects.toThrow(/reserved/);
  });

  it('reads a field as null once its person\'s key is gone, or when it was altered, and never as the sealed string', async () => {
    const subjectId = randomUUID();
    const kept = randomUUID();
    const [gone, stays] = await codec.encode('s', [registered(subjectId), registered(kept, { givenName: 'Yusuf' })]);
    const altered = (gone.data.familyName as string).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    await sql.query(`UPDATE ${keysSchema(schema)}.data_keys SET key = NULL, destroyed_at = now() WHERE subject_id = $1`, [subjectId]);
    const fresh = new PersonalDataCodec(new SqlKeyStore(sql, schema), async () => undefined);
    expect(await fresh.reveal([gone.data.givenName, stays.data.givenName, altered])).toEqual([null, 'Yusuf', null]);
    await expect(fresh.encode('s', [registered(subjectId)])).rejects.toThrow(/erased/);
  });

  it('a sealed value opens only with its own person, event and path', async () => {
    const key = (await keys.keyFor(randomUUID()))!;
    const sealed = seal(key, 'p1', 'e1', 'summary', 'secret');
    expect(isSealed(sealed)).toBe(true);
    const field = parseSealed(sealed)!;
    expect(open(key, field)).toBe('secret');
    expect(open(key, { ...field, path: 'reason' })).toBeUndefined();
    expect(open(key, { ...field, eventId: 'e2' })).toBeUndefined();
    expect(open(key, { ...field, subjectId: 'p2' })).toBeUndefined();
  });
});
