import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { agencyTopic, createKafka } from '@samhandling/messaging';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../../libs/testing/src/services';
import { deleteTopics } from '../../../libs/messaging/src/relay/testing/relay-fixture';
import { syncAgencyTables } from '../../../examples/postgres-table-sync/agency-tables';
import { envelope, eventually, freshAgency, produce } from './support/topic-fixture';

/** examples/postgres-table-sync, so the example integrators copy cannot rot. */
describe('example: keeping PostgreSQL tables in sync with an agency topic', () => {
  const schema = uniqueSchema('table_sync');
  let pool: Pool;
  let kafka: Kafka;
  let agency: string;

  beforeAll(async () => {
    pool = new Pool({ connectionString: await postgresUrl(), max: 4 });
    kafka = createKafka({ brokers: await kafkaBrokers(), clientId: 'table-sync-example-test' });
    agency = await freshAgency(kafka);
  });
  afterAll(async () => {
    await deleteTopics(kafka, [agencyTopic(agency)]).catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  });

  it('fills agency_contacts and agency_people, each event counted once although one arrives twice', async () => {
    const subjectId = randomUUID();
    const contactId = randomUUID();
    const contact = envelope('ContactRecorded', {
      contactId, subjectId, agency: 'oslo-health', actor: 'dr.hansen', occurredAt: '2026-03-01T10:00:00.000Z', recordedAt: '2026-03-01T10:05:00.000Z',
      channel: 'in_person', categories: ['contact_log', 'health'], summary: 'Follow-up', concerns: ['sleep problems'], interpreterUsed: true,
    }, { categories: ['contact_log', 'health'], basis: ['consent:c-1'], disclosureid: 'd-1' });
    const consent = envelope('ConsentGiven', { subjectId, consentId: randomUUID() });
    await produce(kafka, agency, [contact, consent, contact]);

    const sync = await syncAgencyTables({ kafka, pool, agency, schema, consumer: { maxWaitTimeInMs: 200 }, log: () => undefined });
    try {
      const people = await eventually(
        async () => (await pool.query(`SELECT subject_id, events_received, last_event_type FROM ${schema}.agency_people WHERE agency = $1`, [agency])).rows,
        (rows) => rows[0]?.events_received === 2,
      );
      expect(people).toEqual([{ subject_id: subjectId, events_received: 2, last_event_type: 'ConsentGiven' }]);
      await eventually(async () => sync.stats.duplicates, (n) => n === 1);
      const contacts = await pool.query(`SELECT contact_id, subject_id, channel, categories, concerns, basis, disclosure_id, event_id FROM ${schema}.agency_contacts WHERE agency = $1`, [agency]);
      expect(contacts.rows).toEqual([{
        contact_id: contactId, subject_id: subjectId, channel: 'in_person', categories: ['contact_log', 'health'], concerns: ['sleep problems'],
        basis: ['consent:c-1'], disclosure_id: 'd-1', event_id: contact.id,
      }]);
    } finally {
      await sync.stop();
    }
  }, 60_000);
});
