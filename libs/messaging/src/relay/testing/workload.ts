import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@samhandling/event-store';

export interface ScriptedEvent {
  streamId: string;
  event: NewEvent;
}

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * One person's history, touching every kind of push decision: own records, care between health
 * services, consent given and withdrawn, the duty to notify child welfare, NAV's own basis, and a
 * referral with a later step. Built lazily so the instants (withdrawnAt) are those of the append.
 */
export function personScript(agency: (name: string) => string = (n) => n): Array<() => ScriptedEvent> {
  const subjectId = randomUUID();
  const consentId = randomUUID();
  const referralId = randomUUID();
  const as = (name: string, streamId: string, type: string, data: Record<string, unknown>) => (): ScriptedEvent => ({
    streamId, event: { id: randomUUID(), type, data, metadata: { agency: agency(name), actor: `caseworker@${name}` } },
  });
  const contact = (name: string, categories: string[]) =>
    as(name, `contact-${subjectId}`, 'ContactRecorded', {
      contactId: randomUUID(), subjectId, agency: agency(name), actor: 'x', occurredAt: hourAgo(), recordedAt: new Date().toISOString(),
      channel: 'in_person', categories, summary: 'visit', concerns: [], interpreterUsed: false,
    });
  const health = agency('oslo-health');
  return [
    contact('oslo-health', ['contact_log', 'health']),
    as('oslo-health', `consent-${subjectId}`, 'ConsentGiven', {
      consentId, subjectId, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: agency('oslo-refugee') }],
      categories: ['health', 'contact_log'], purposes: ['follow_up'], validFrom: hourAgo(), validUntil: inDays(365),
      evidence: { kind: 'written' }, interpreterUsed: false, recordedBy: health, recordedAt: new Date().toISOString(),
    }),
    contact('oslo-health', ['contact_log', 'health']),
    contact('oslo-health', ['child_welfare_concern']),
    contact('nav-oslo', ['welfare', 'contact_log']),
    () => as('oslo-health', `consent-${subjectId}`, 'ConsentWithdrawn', { consentId, subjectId, withdrawnBy: health, withdrawnAt: new Date().toISOString() })(),
    contact('oslo-health', ['contact_log', 'health']),
    as('oslo-health', `referral-${referralId}`, 'ReferralSent', {
      referralId, subjectId, from: health, to: agency('oslo-refugee'), reason: 'follow-up', categories: ['health'],
      basis: { kind: 'consent', consentId }, acknowledgeBy: inDays(3), answerBy: inDays(14), sentBy: 'gp', sentAt: new Date().toISOString(),
    }),
    as('oslo-refugee', `referral-${referralId}`, 'ReferralAcknowledged', { referralId, by: agency('oslo-refugee'), actor: 'x', acknowledgedAt: new Date().toISOString() }),
  ];
}

/** Interleaves many people's scripts at random, each person's own events kept in order. */
export function interleave(scripts: Array<Array<() => ScriptedEvent>>): Array<() => ScriptedEvent> {
  const queues = scripts.map((s) => [...s]);
  const out: Array<() => ScriptedEvent> = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    out.push(open[Math.floor(Math.random() * open.length)].shift()!);
  }
  return out;
}
