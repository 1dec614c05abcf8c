import { assertNever, type ReferralDeadline, type ReferralEvent } from '@samhandling/domain';
import { asDomainEvent, compact, isReferralEvent } from './domain-event';
import type { Projection } from './projection';

export const REFERRAL_DEADLINES = 'referral-deadlines';

/**
 * `open`: nobody has answered and nothing was escalated yet, so the scheduler owes an action once
 * it is due. `met` and `closed` (declined or completed) need none; `escalated` was acted on.
 * `unsent` is the placeholder of a key whose ReferralSent was not seen; it is never stored.
 */
export type DeadlineStatus = 'unsent' | 'open' | 'met' | 'closed' | 'escalated';

/** One deadline of one referral, as the scheduler follows it. */
export interface ReferralDeadlineRow {
  kind: 'deadline';
  referralId: string;
  subjectId: string;
  from: string;
  to: string;
  deadline: ReferralDeadline;
  /** UTC, `Date.toISOString()` form: text order is time order, so SQL can index and compare it. */
  dueAt: string;
  status: DeadlineStatus;
  metAt?: string;
  closedAt?: string;
  escalatedAt?: string;
}

/** The person's current coordinating agency (latest designation wins). */
export interface SubjectCoordinator {
  kind: 'coordinator';
  subjectId: string;
  agency?: string;
  caseworker?: string;
  designatedAt?: string;
}

export type ReferralDeadlinesState = ReferralDeadlineRow | SubjectCoordinator;

const DEADLINES: readonly ReferralDeadline[] = ['acknowledgement', 'answer'];
export const deadlineKey = (referralId: string, deadline: ReferralDeadline): string => `deadline:${referralId}:${deadline}`;
export const coordinatorKey = (subjectId: string): string => `coordinator:${subjectId}`;

/** Which deadlines an event of the referral can change. */
function deadlinesTouched(event: ReferralEvent): readonly ReferralDeadline[] {
  switch (event.type) {
    case 'ReferralAcknowledged':
      return ['acknowledgement'];
    case 'ReferralEscalated':
      return [event.data.deadline];
    case 'ReferralSent':
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted':
      return DEADLINES;
    default:
      return assertNever(event);
  }
}

const utc = (value: string): string | undefined => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

function sent(row: ReferralDeadlineRow, event: Extract<ReferralEvent, { type: 'ReferralSent' }>): ReferralDeadlineRow {
  const { subjectId, from, to, acknowledgeBy, answerBy } = event.data;
  const dueAt = utc(row.deadline === 'acknowledgement' ? acknowledgeBy : answerBy);
  // The decider validated both instants; a row that cannot be scheduled is better absent than wrong.
  if (row.status !== 'unsent' || dueAt === undefined) return row;
  return { ...row, subjectId, from, to, dueAt, status: 'open' };
}

/** Mirrors the decider's escalation rules, so the scheduler asks only where it may succeed. */
function follow(row: ReferralDeadlineRow, event: Exclude<ReferralEvent, { type: 'ReferralSent' }>): ReferralDeadlineRow {
  if (row.status === 'unsent') return row;
  switch (event.type) {
    case 'ReferralAcknowledged':
      return met(row, event.data.acknowledgedAt);
    case 'ReferralAccepted':
      return met(row, event.data.acceptedAt);
    case 'ReferralDeclined':
      return closed(row, event.data.declinedAt);
    case 'ReferralCompleted':
      return closed(row, event.data.completedAt);
    case 'ReferralEscalated':
      return row.status === 'open' ? { ...row, status: 'escalated', escalatedAt: event.data.escalatedAt } : row;
    default:
      return assertNever(event);
  }
}

/** An answer after an escalation is still worth knowing ("met late"); the status stays escalated. */
function met(row: ReferralDeadlineRow, at: string): ReferralDeadlineRow {
  if (row.metAt !== undefined || row.closedAt !== undefined) return row;
  return { ...row, status: row.status === 'open' ? 'met' : row.status, metAt: at };
}

function closed(row: ReferralDeadlineRow, at: string): ReferralDeadlineRow {
  return row.status === 'open' ? { ...row, status: 'closed', closedAt: at } : row;
}

function parseKey(key: string): ReferralDeadlinesState {
  if (key.startsWith('coordinator:')) return { kind: 'coordinator', subjectId: key.slice('coordinator:'.length) };
  const body = key.slice('deadline:'.length);
  const at = body.lastIndexOf(':');
  return {
    kind: 'deadline', referralId: body.slice(0, at), deadline: body.slice(at + 1) as ReferralDeadline,
    subjectId: '', from: '', to: '', dueAt: '', status: 'unsent',
  };
}

/**
 * What the deadline scheduler needs from the log: one row per referral deadline (key
 * `deadline:<referralId>:<acknowledgement|answer>`) and the person's current coordinator (key
 * `coordinator:<subjectId>`). Rows stay after they are met, so the runtime never deletes; the
 * scheduler's query reads only open ones, through a partial index (referral-deadlines.query.ts).
 * Not served to agencies: the referral board shows the same facts under the policy.
 */
export const referralDeadlinesProjection: Projection<ReferralDeadlinesState> = {
  name: REFERRAL_DEADLINES,
  categories: ['referral', 'contact_log'],
  keyOf(event) {
    const domain = asDomainEvent(event);
    if (domain?.type === 'CoordinatorDesignated') return [coordinatorKey(domain.data.subjectId)];
    if (!domain || !isReferralEvent(domain)) return [];
    return deadlinesTouched(domain).map((deadline) => deadlineKey(domain.data.referralId, deadline));
  },
  init: parseKey,
  evolve(state, event) {
    const domain = asDomainEvent(event);
    if (!domain) return state;
    if (state.kind === 'coordinator') {
      if (domain.type !== 'CoordinatorDesignated' || domain.data.subjectId !== state.subjectId) return state;
      const { agency, caseworker, designatedAt } = domain.data;
      return compact<SubjectCoordinator>({ kind: 'coordinator', subjectId: state.subjectId, agency, caseworker, designatedAt });
    }
    if (!isReferralEvent(domain) || domain.data.referralId !== state.referralId || !deadlinesTouched(domain).includes(state.deadline)) return state;
    return domain.type === 'ReferralSent' ? sent(state, domain) : follow(state, domain);
  },
};
