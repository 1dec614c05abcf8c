import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveredEvent } from '../../../libs/messaging/src/cloud-event';
import { Client, Installation, waitUntil, type RunningApp } from './apps';

/** What each agency has been delivered so far: its Kafka topic, or its HTTP feed. */
export interface Deliveries {
  /** Everything delivered to the agency (unprefixed name), in order. */
  of(agency: string): Promise<DeliveredEvent[]>;
}

export interface JourneyOptions {
  client: Client;
  installation: Installation;
  deliveries: Deliveries;
  apps: RunningApp[];
  /** Grants residence through the national authority's Kafka inbox instead of HTTP. */
  grantViaInbox?: (subjectId: string, body: Record<string, unknown>) => Promise<void>;
  /** The embedded default's version: the same story without the child and the referral's full course. */
  trimmed?: boolean;
}

const today = () => new Date().toISOString().slice(0, 10);
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const type = (e: DeliveredEvent) => e.type.replace(/^no\.samhandling\./, '').replace(/\.v1$/, '');

/**
 * A family's journey: arrival with family reunification, contacts at several services, consent
 * to share selected categories with named services, a referral that is not acknowledged and
 * escalates, then is answered, a child-welfare concern shared without consent, a withdrawal
 * that stops later deliveries — and reports that list exactly what was disclosed.
 */
export async function familyJourney(o: JourneyOptions): Promise<void> {
  const { client, installation: inst, deliveries, apps } = o;
  const id = (name: string) => inst.id(name);
  const eventually = <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) => waitUntil(what, probe, ms, apps);
  const deliveredTo = async (agency: string, predicate: (e: DeliveredEvent) => boolean) => (await deliveries.of(agency)).filter(predicate);
  /** Waits for the agency's own copy of an event (proof the relay got past it), then a little longer. */
  const settled = async (owner: string, eventId: string) => {
    await eventually(`${owner} to receive its own event ${eventId}`, async () => ((await deliveredTo(owner, (e) => e.id === eventId)).length > 0 ? true : undefined));
    await sleep(1_500);
  };
  const everyone = inst.agencies.map((a) => inst.name(a.id));
  const receiversOf = async (eventId: string) => {
    const out: string[] = [];
    for (const agency of everyone) if ((await deliveredTo(agency, (e) => e.id === eventId)).length > 0) out.push(agency);
    return out.sort();
  };
  const eventIdsOf = (result: { events: Array<{ id: string; type: string }> }, t: string) => result.events.filter((e) => e.type === t).map((e) => e.id);

  // 1. The national authority registers the family and grants residence with family reunification.
  const [yonas, amina, sara] = [randomUUID(), randomUUID(), randomUUID()];
  for (const [subjectId, givenName, birthDate] of [[yonas, 'Yonas', '1986-02-11'], [amina, 'Amina', '1990-04-30'], [sara, 'Sara', '2015-09-01']]) {
    await client.command('/subjects', 'udi', { subjectId, givenName, familyName: 'Haile', birthDate });
  }
  const aminaGrant = await client.command(`/subjects/${amina}/residence`, 'udi', {
    familyReunification: true, sponsorId: yonas, relationToSponsor: 'spouse', municipality: '0301', grantedOn: today(),
  });
  const [aminaNotice] = eventIdsOf(aminaGrant, 'ArrivalNotice');
  const saraGrant = { familyReunification: true, sponsorId: yonas, relationToSponsor: 'parent', municipality: '0301', grantedOn: today() };
  if (!o.trimmed) {
    if (o.grantViaInbox) await o.grantViaInbox(sara, saraGrant);
    else await client.command(`/subjects/${sara}/residence`, 'udi', saraGrant);
  }

  // The settling municipality's refugee and health services get the arrival notice; nobody else.
  const notice = await eventually('the arrival notice at the refugee service', async () => {
    const got = await deliveredTo('oslo-refugee', (e) => e.id === aminaNotice);
    return got.length > 0 ? got[0] : undefined;
  });
  expect(notice.data).toMatchObject({ subjectId: amina, municipality: '0301', givenName: 'Amina', sponsorId: yonas, relationToSponsor: 'spouse' });
  expect(notice.basis).toEqual([expect.stringMatching(/^legal:family-reunification-notice@/)]);
  await settled('udi', aminaNotice);
  expect(await receiversOf(aminaNotice)).toEqual(['oslo-health', 'oslo-refugee', 'udi']);
  if (!o.trimmed) {
    const saraNotice = await eventually('Sara\'s arrival notice (sent through the inbox)', async () =>
      (await deliveredTo('oslo-health', (e) => e.subject === sara && type(e) === 'ArrivalNotice'))[0]);
    expect(saraNotice.data).toMatchObject({ subjectId: sara, sponsorId: yonas, relationToSponsor: 'parent' });
  }

  // 2. Registrations and contacts at several services.
  const contact = (categories: string[], summary: string) => ({
    contactId: randomUUID(), occurredAt: hourAgo(), channel: 'in_person', categories, summary, concerns: [], interpreterUsed: true, interpreterLanguage: 'ti',
  });
  await client.command(`/subjects/${amina}/contacts`, 'oslo-refugee', contact(['contact_log', 'education'], 'Introduction programme plan agreed'));
  await client.command(`/subjects/${amina}/contacts`, 'oslo-adult-learning', contact(['contact_log', 'education'], 'Placed in level A1'));
  const healthVisit = await client.command(`/subjects/${amina}/contacts`, 'oslo-health', contact(['contact_log', 'health'], 'Headaches and poor sleep'));
  // Health information has no legal basis to reach the other services: it stays with the health service.
  await settled('oslo-health', healthVisit.events[0].id);
  expect(await receiversOf(healthVisit.events[0].id)).toEqual(['oslo-health']);

  // 3. Amina consents to sharing her health contacts with the refugee service, and makes it her coordinator.
  const consentId = randomUUID();
  await client.command(`/subjects/${amina}/consents`, 'oslo-health', {
    consentId, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: id('oslo-refugee') }],
    categories: ['contact_log', 'health'], purposes: ['coordination', 'follow_up'],
    validFrom: hourAgo(), validUntil: inMs(365 * 86_400_000), // A form with its fingerprint: every discloser may rely on it for the coordinator's metadata.
    evidence: { kind: 'written', reference: 'signed form', sha256: 'ab'.repeat(32) }, interpreterUsed: true, interpreterLanguage: 'ti',
  });
  await client.command(`/subjects/${amina}/coordinator`, 'oslo-refugee', { agency: id('oslo-refugee'), caseworker: 'Kari, introduction programme', basis: { kind: 'consent', consentId } });
  const shared = await client.command(`/subjects/${amina}/contacts`, 'oslo-health', contact(['contact_log', 'health'], 'Sleep improving'));
  const sharedId = shared.events[0].id;
  const atRefugee = await eventually('the consented health contact at the refugee service', async () => (await deliveredTo('oslo-refugee', (e) => e.id === sharedId))[0]);
  expect(atRefugee.basis).toContain(`consent:${consentId}`);
  await settled('oslo-health', sharedId);
  expect(await receiversOf(sharedId)).toEqual(['oslo-health', 'oslo-refugee']);

  // 4. Adult learning refers Amina to the health service; nobody acknowledges, and it escalates.
  const referralId = randomUUID();
  await client.command('/referrals', 'oslo-adult-learning', {
    referralId, subjectId: amina, to: id('oslo-health'), reason: 'Struggles to see the board; eyesight check', categories: ['education'],
    basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy: inMs(4_000), answerBy: inMs(600_000),
  });
  const escalation = await eventually('the escalation at the referring service', async () =>
    (await deliveredTo('oslo-adult-learning', (e) => type(e) === 'ReferralEscalated' && e.data.referralId === referralId))[0], 45_000);
  expect(escalation.data).toMatchObject({ deadline: 'acknowledgement', notify: [id('oslo-adult-learning'), id('oslo-refugee')] });
  // The coordinator hears of it too (here the municipal cooperation duty already covers the whole referral).
  await eventually('the escalation at the coordinator', async () => (await deliveredTo('oslo-refugee', (e) => e.id === escalation.id))[0]);
  // The coordinator's overview shows the referral overdue, without its content.
  const overview = await client.get(`/subjects/${amina}/projections/coordination?purpose=coordination`, 'oslo-refugee');
  expect(overview.status).toBe(200);
  expect(overview.body.data.openReferrals).toEqual([expect.objectContaining({ referralId, status: 'sent', overdue: true, redacted: ['categories'] })]);
  expect(JSON.stringify(overview.body)).not.toContain('eyesight');

  if (!o.trimmed) {
    // Acknowledged, accepted, completed: the referring service hears of each step.
    await client.command(`/referrals/${referralId}/acknowledgement`, 'oslo-health', {});
    await client.command(`/referrals/${referralId}/acceptance`, 'oslo-health', { note: 'Appointment booked' });
    const completed = await client.command(`/referrals/${referralId}/completion`, 'oslo-health', { outcome: 'Glasses prescribed' });
    await eventually('the completion at the referring service', async () => ((await deliveredTo('oslo-adult-learning', (e) => e.id === completed.events[0].id)).length > 0 ? true : undefined));
    const steps = (await deliveredTo('oslo-adult-learning', (e) => e.data.referralId === referralId)).map(type);
    expect(steps).toEqual(['ReferralSent', 'ReferralEscalated', 'ReferralAcknowledged', 'ReferralAccepted', 'ReferralCompleted']);

    // 5. The health service sees a child-welfare concern about Sara at a health check-up: shared under the duty to
    // notify, without consent — the concern only, the health part withheld — and with whom it is about.
    const checkUp = { ...contact(['health', 'child_welfare_concern'], 'Iron deficiency, supplements prescribed'), concerns: ['Signs of neglect at check-up'] };
    const concern = await client.command(`/subjects/${sara}/contacts`, 'oslo-health', checkUp);
    const concernId = concern.events[0].id;
    const atChildWelfare = await eventually('the concern at child welfare', async () => (await deliveredTo('oslo-child-welfare', (e) => e.id === concernId))[0]);
    expect(atChildWelfare.basis).toEqual([expect.stringMatching(/^legal:duty-to-notify-child-welfare@/)]);
    expect(atChildWelfare).toMatchObject({ categories: ['child_welfare_concern'], redacted: expect.arrayContaining(['summary', 'actor']) });
    expect(atChildWelfare.data).toMatchObject({ concerns: ['Signs of neglect at check-up'], categories: ['child_welfare_concern'] });
    expect(JSON.stringify(atChildWelfare)).not.toContain('Iron deficiency');
    const whom = await eventually('whom the concern is about, at child welfare', async () =>
      (await deliveredTo('oslo-child-welfare', (e) => e.subject === sara && type(e) === 'SubjectRegistered'))[0]);
    expect(whom).toMatchObject({ data: { givenName: 'Sara', birthDate: '2015-09-01' }, categories: ['identity'], basis: [expect.stringMatching(/^legal:duty-to-notify-child-welfare@/)] });
    await settled('oslo-health', concernId);
    expect(await receiversOf(concernId)).toEqual(['oslo-child-welfare', 'oslo-health']);
  }

  // 6. Amina withdraws her consent: later health contacts no longer reach the refugee service.
  await client.command(`/subjects/${amina}/consents/${consentId}/withdrawal`, 'oslo-health', { reason: 'Wants to decide case by case' });
  const after = await client.command(`/subjects/${amina}/contacts`, 'oslo-health', contact(['contact_log', 'health'], 'Follow-up visit'));
  await settled('oslo-health', after.events[0].id);
  expect(await receiversOf(after.events[0].id)).toEqual(['oslo-health']);

  // 7. The privacy officer's report and the person's access report list exactly what was disclosed.
  const delivered = new Set<string>();
  for (const agency of everyone) {
    for (const e of await deliveredTo(agency, (x) => x.subject === amina && x.disclosureid !== '')) delivered.add(`${agency} ${e.id}`);
  }
  const officer = `officer:oslo-health`;
  const disclosures: any[] = [];
  for (let after = 0; ;) {
    const page = await client.get(`/audit/disclosures?subjectId=${amina}&limit=200${after ? `&after=${after}` : ''}`, officer);
    expect(page.status).toBe(200);
    disclosures.push(...page.body.items.map((r: { disclosure: unknown }) => r.disclosure));
    if (page.body.nextCursor === null) break;
    after = page.body.nextCursor;
  }
  const pushed = new Set(disclosures.filter((d) => d.kind === 'push').flatMap((d) => d.eventIds.map((e: string) => `${inst.name(d.recipient.agency)} ${e}`)));
  expect([...pushed].sort()).toEqual([...delivered].sort());
  const pulls = disclosures.filter((d) => d.kind === 'pull');
  expect(pulls.map((d) => [inst.name(d.recipient.agency), d.projection])).toEqual([['oslo-refugee', 'coordination']]);

  const report = await client.get(`/audit/subjects/${amina}/access-report`, officer);
  expect(report.status).toBe(200);
  const reported = new Set<string>(report.body.recipients.flatMap((r: any) => r.entries.filter((e: any) => e.kind === 'delivery')
    .flatMap((e: any) => e.details.eventIds.map((x: string) => `${inst.name(r.agency)} ${x}`))));
  expect([...reported].sort()).toEqual([...delivered].sort());
  expect(report.body.coordinator).toMatchObject({ agency: id('oslo-refugee'), caseworker: 'Kari, introduction programme' });
  const verified = await client.get('/audit/verify', officer);
  expect(verified.body).toMatchObject({ ok: true });
}
