import { recipientCovers, type AgencyKind } from '@samhandling/domain';
import type { SubjectPolicyState } from './subject-policy-state';

/**
 * Who may write each fact the policy reads. One token of one agency must never make the policy
 * believe something that agency may not assert, so every command is checked here, against the
 * writer's kind and its relation to the person, before it is decided.
 *
 * Relations:
 * - `any`: no relation needed (the agency records its own contact, registers the person, or
 *   records a consent or objection the person gives it; a permit unlocks only the records of the
 *   disclosers that can rely on it, an objection takes effect whoever records it);
 * - `involved`: the agency has recorded something about the person, or is party to a referral
 *   about them;
 * - `consent_party`: involved, or the consent's recorder or one of its recipients;
 * - `coordination_party`: involved while the person has no coordinator; once one is designated,
 *   only that coordinator or the service that designated it may hand the task on (else any
 *   service that recorded one contact could take the person's coordination over);
 * - `referral_receiver` / `referral_sender`: the party of the referral named;
 * - `system`: the platform's own scheduler, never an agency token.
 */
export type WriterRelation = 'any' | 'involved' | 'consent_party' | 'coordination_party' | 'referral_receiver' | 'referral_sender' | 'system';

export interface WriterRule {
  kinds: readonly AgencyKind[] | '*';
  relation: WriterRelation;
  /** Why, in a sentence: shown in the 403 and in the README's table. */
  why: string;
}

/** Public services: every kind but voluntary organisations, which take part on consent only. */
const PUBLIC: readonly AgencyKind[] = ['health', 'refugee_service', 'adult_learning', 'school', 'child_welfare', 'nav', 'housing', 'national_authority'];

export const WRITER_RULES = {
  RegisterSubject: { kinds: '*', relation: 'any', why: 'any service may register a person it meets' },
  GrantResidence: { kinds: ['national_authority'], relation: 'any', why: 'residence permits are decided by the national immigration authorities' },
  LinkHousehold: { kinds: PUBLIC, relation: 'involved', why: 'a household link is asserted by a public service that works with the person' },
  DesignateCoordinator: { kinds: PUBLIC, relation: 'coordination_party', why: 'a coordinator is designated by a public service that works with the person, and replaced only by the coordinator or the service that designated it' },
  RecordContact: { kinds: '*', relation: 'any', why: 'an agency records its own contacts' },
  GiveConsent: { kinds: '*', relation: 'any', why: 'the person may consent or object through any service' },
  WithdrawConsent: { kinds: '*', relation: 'consent_party', why: 'a withdrawal is recorded by a service involved with the person or party to the consent' },
  ConfirmConsent: { kinds: '*', relation: 'involved', why: 'a discloser confirms a consent for the records it holds about the person' },
  RejectConsent: { kinds: '*', relation: 'involved', why: 'a discloser rejects a consent for the records it holds about the person' },
  SendReferral: { kinds: '*', relation: 'any', why: 'an agency refers on its own records' },
  AcknowledgeReferral: { kinds: '*', relation: 'referral_receiver', why: 'only the receiving agency answers a referral' },
  AcceptReferral: { kinds: '*', relation: 'referral_receiver', why: 'only the receiving agency answers a referral' },
  DeclineReferral: { kinds: '*', relation: 'referral_receiver', why: 'only the receiving agency answers a referral' },
  CompleteReferral: { kinds: '*', relation: 'referral_receiver', why: 'only the receiving agency answers a referral' },
  ReReferReferral: { kinds: '*', relation: 'referral_sender', why: 'only the sender re-refers a declined referral' },
  EscalateReferral: { kinds: [], relation: 'system', why: 'deadlines are escalated by the platform scheduler only' },
} as const satisfies Record<string, WriterRule>;

export type WrittenCommand = keyof typeof WRITER_RULES;

/** What the check needs to know about the writer's relation to the person. */
export interface WriterFacts {
  /** The person's policy state at the head of the log (absent for a person not seen yet). */
  state?: SubjectPolicyState;
  /** For consent commands: the consent named. */
  consentId?: string;
  /** For referral steps: the referral's parties. */
  referral?: { from: string; to: string };
  /** The platform's own scheduler writes as this pseudo-agency. */
  system?: boolean;
}

export interface WriterRefusal {
  code: string;
  message: string;
}

export interface Writer {
  id: string;
  kind: AgencyKind;
}

/** Undefined when `writer` may write `command`; else the coded reason it may not. */
export function writerRefusal(command: WrittenCommand, writer: Writer | undefined, facts: WriterFacts): WriterRefusal | undefined {
  const rule: WriterRule = WRITER_RULES[command];
  if (rule.relation === 'system') {
    return facts.system ? undefined : { code: 'WRITER.SYSTEM_ONLY', message: `${command}: ${rule.why}` };
  }
  if (!writer) return { code: 'WRITER.UNKNOWN_AGENCY', message: `${command}: the calling agency is not in the agency directory` };
  if (rule.kinds !== '*' && !rule.kinds.includes(writer.kind)) {
    return { code: 'WRITER.KIND_NOT_ALLOWED', message: `${command} is reserved for agencies of kind ${rule.kinds.join(' or ')}: ${rule.why}` };
  }
  const involved = facts.state?.involved?.[writer.id] === true;
  switch (rule.relation) {
    case 'any':
      return undefined;
    case 'involved':
      return involved ? undefined : { code: 'WRITER.NOT_INVOLVED', message: `${writer.id} has recorded nothing about this person: ${rule.why}` };
    case 'consent_party': {
      const consent = facts.consentId !== undefined ? facts.state?.consent.consents[facts.consentId] : undefined;
      const party = consent !== undefined && (consent.recordedBy === writer.id || consent.recipients.some((r) => recipientCovers(r, writer.id, writer.kind)));
      return involved || party ? undefined : { code: 'WRITER.NOT_INVOLVED', message: `${writer.id} is neither involved with this person nor party to the consent: ${rule.why}` };
    }
    case 'coordination_party': {
      const current = facts.state?.coordinator;
      if (!current) return involved ? undefined : { code: 'WRITER.NOT_INVOLVED', message: `${writer.id} has recorded nothing about this person: ${rule.why}` };
      const party = current.agency === writer.id || current.designatedBy === writer.id;
      return party ? undefined : { code: 'WRITER.NOT_COORDINATION_PARTY', message: `${current.agency} coordinates for this person: ${rule.why}` };
    }
    case 'referral_receiver':
      return !facts.referral || facts.referral.to === writer.id ? undefined : { code: 'REFERRAL.NOT_RECIPIENT', message: `${command}: ${rule.why}` };
    case 'referral_sender':
      return !facts.referral || facts.referral.from === writer.id ? undefined : { code: 'REFERRAL.NOT_SENDER', message: `${command}: ${rule.why}` };
  }
}
