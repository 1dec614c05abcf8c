'use strict';
/**
 * The bench's agencies and event histories. Ten agencies of the kinds the catalog knows (ids
 * prefixed, so the bench's topics are its own); each person's history touches every kind of push
 * decision: a registration, contacts, consent given and withdrawn, the duty to notify child
 * welfare, NAV's own basis, a referral and its acknowledgement.
 */
const { randomUUID } = require('node:crypto');

const agencies = (prefix) => [
  ['oslo-health', 'health', '0301'], ['bergen-health', 'health', '4601'], ['oslo-refugee', 'refugee_service', '0301'],
  ['oslo-adult-learning', 'adult_learning', '0301'], ['oslo-school', 'school', '0301'], ['oslo-child-welfare', 'child_welfare', '0301'],
  ['nav-oslo', 'nav', '0301'], ['oslo-housing', 'housing', '0301'], ['red-cross-oslo', 'voluntary', '0301'], ['imdi', 'national_authority', null],
].map(([id, kind, municipality]) => ({ id: `${prefix}-${id}`, kind, municipality }));

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString();

/** One person's events as { streamId, event: { id, type, data, metadata } }, in order. */
function person(prefix) {
  const a = (name) => `${prefix}-${name}`;
  const subjectId = randomUUID();
  const consentId = randomUUID();
  const referralId = randomUUID();
  const ev = (agency, streamId, type, data) => ({ streamId, event: { id: randomUUID(), type, data, metadata: { agency: a(agency), actor: `caseworker@${agency}`, correlationId: randomUUID() } } });
  const contact = (agency, categories) => ev(agency, `contact-${subjectId}`, 'ContactRecorded', {
    contactId: randomUUID(), subjectId, agency: a(agency), actor: 'caseworker', occurredAt: hourAgo(), recordedAt: new Date().toISOString(),
    channel: 'in_person', categories, summary: 'Introduction programme meeting; follow-up agreed', concerns: ['sleep'], interpreterUsed: true, interpreterLanguage: 'ti',
  });
  return [
    ev('oslo-refugee', `subject-${subjectId}`, 'SubjectRegistered', { subjectId, givenName: 'Amina', familyName: 'Haile', birthDate: '1990-04-30', registeredBy: a('oslo-refugee'), registeredAt: new Date().toISOString() }),
    contact('oslo-health', ['contact_log', 'health']),
    ev('oslo-health', `consent-${subjectId}`, 'ConsentGiven', {
      consentId, subjectId, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: a('oslo-refugee') }, { agencyKind: 'adult_learning' }],
      categories: ['health', 'contact_log'], purposes: ['follow_up', 'coordination'], validFrom: hourAgo(), validUntil: inDays(365),
      evidence: { kind: 'written', reference: 'archive 2026/1234' }, interpreterUsed: false, recordedBy: a('oslo-health'), recordedAt: new Date().toISOString(),
    }),
    contact('oslo-health', ['contact_log', 'health']),
    contact('oslo-health', ['child_welfare_concern']),
    contact('nav-oslo', ['welfare', 'contact_log']),
    contact('oslo-refugee', ['contact_log', 'education']),
    ev('oslo-health', `consent-${subjectId}`, 'ConsentWithdrawn', { consentId, subjectId, withdrawnBy: a('oslo-health'), withdrawnAt: new Date().toISOString() }),
    contact('oslo-health', ['contact_log', 'health']),
    ev('oslo-refugee', `referral-${referralId}`, 'ReferralSent', {
      referralId, subjectId, from: a('oslo-refugee'), to: a('oslo-health'), reason: 'Concentration problems in class', categories: ['education'],
      basis: { kind: 'legal', entryId: 'paa-13b-1-5' }, acknowledgeBy: inDays(3), answerBy: inDays(14), sentBy: 'caseworker', sentAt: new Date().toISOString(),
    }),
    ev('oslo-health', `referral-${referralId}`, 'ReferralAcknowledged', { referralId, by: a('oslo-health'), actor: 'gp', acknowledgedAt: new Date().toISOString() }),
  ];
}

/** A health contact about `subjectId` (the latency bench's steady stream). */
function healthContact(prefix, subjectId) {
  const agency = `${prefix}-oslo-health`;
  return {
    streamId: `contact-${subjectId}`,
    event: {
      id: randomUUID(), type: 'ContactRecorded', metadata: { agency, actor: 'caseworker@oslo-health' },
      data: { contactId: randomUUID(), subjectId, agency, actor: 'gp', occurredAt: hourAgo(), recordedAt: new Date().toISOString(), channel: 'in_person',
        categories: ['contact_log', 'health'], summary: 'Follow-up visit', concerns: [], interpreterUsed: false },
    },
  };
}

/** Many people's histories interleaved (deterministic round robin), each person's order kept. */
function history(prefix, people) {
  const scripts = Array.from({ length: people }, () => person(prefix));
  const out = [];
  for (let i = 0; scripts.some((s) => i < s.length); i++) for (const s of scripts) if (i < s.length) out.push(s[i]);
  return out;
}

module.exports = { agencies, person, history, healthContact };
