import { consentStatusAt, recipientCovers, type ConsentRecord, type ConsentStatus, type CoordinatorBasis, type ReferralBasis } from '@samhandling/domain';
import type { AgencyRef, SubjectPolicyState } from '@samhandling/policy';

/** One person's policy facts, as the decision cache needs them. */
export interface TrackedSubject {
  state: SubjectPolicyState;
  /** What AgencyPolicy reads from the state when the requester is `agency`: worked out at most once per state. */
  factsFor(agency: AgencyRef): AgencyFacts;
}

/**
 * The facts of one person that concern one agency, split into what AgencyPolicy decides on and
 * what it only cites. Two people with the same shape, asked about at instants in the same catalog
 * window at which their consents have the same statuses, get the same policy up to their ids: the
 * same rules in the same order, a consent or referral rule of one matching a record where the
 * other's at the same position does, bases differing only in the consent id, the referral id and
 * basis, and the designation basis.
 */
export interface AgencyFacts {
  /**
   * Interned: the agency (so no two agencies share a shape); whether it serves the municipality
   * of residence; whether it is involved with the person; per consent naming it, in state order,
   * its decision, categories and purposes (not its id, nor its instants: only its status at the
   * instant asked about counts, see statusAt); how many referrals were sent to it (only their ids
   * are read, to match a record's, so a count, which makes every position a record can name one
   * the other person has too); and, if it is the coordinator, what its designation rests on:
   * which of those consents (none of them when the consent does not name it or does not exist),
   * or the basis itself when not a consent (its legal entry, which must reach the agency's kind);
   * and which agencies raised which signal category (state.raised: the duty to notify's identity rule).
   */
  shape: number;
  /** The consents naming the agency (by id or by kind), whatever their decision or status, in state order. */
  consents: readonly NamingConsent[];
  /** The referrals sent to the agency, in state order, with the basis each was sent on. */
  referrals: ReadonlyArray<{ id: string; basis: ReferralBasis }>;
  /** The basis the agency was designated coordinator on, if it is the coordinator. */
  designation: CoordinatorBasis | undefined;
}

/** A consent naming an agency, with its instants parsed once (epoch ms; +Infinity when absent). */
export interface NamingConsent {
  id: string;
  consent: ConsentRecord;
  validFrom: number;
  validUntil: number;
  withdrawnAt: number;
  /** Every instant present parsed: statusAt may compare numbers. */
  wellFormed: boolean;
}

/**
 * consentStatusAt(c.consent, at), with `t` = Date.parse(at), comparing the instants parsed once.
 * A malformed instant goes to consentStatusAt itself, so it fails as AgencyPolicy would.
 */
export function statusAt(c: NamingConsent, t: number, at: string): ConsentStatus {
  if (!c.wellFormed || Number.isNaN(t)) return consentStatusAt(c.consent, at);
  if (c.withdrawnAt <= t) return 'withdrawn';
  if (c.validUntil <= t) return 'expired';
  if (t < c.validFrom) return 'not_yet_valid';
  return 'active';
}

/** Works out AgencyFacts, interning their shapes (a number per distinct key, never reused). */
export class FactShapes {
  private readonly shapes = new Map<string, number>();
  private nextShape = 1;

  of(state: SubjectPolicyState, agency: AgencyRef): AgencyFacts {
    const consents: NamingConsent[] = [];
    for (const [id, consent] of Object.entries(state.consent.consents)) {
      if (!consent.recipients.some((r) => recipientCovers(r, agency.id, agency.kind))) continue;
      const validFrom = Date.parse(consent.validFrom);
      const validUntil = consent.validUntil === undefined ? Infinity : Date.parse(consent.validUntil);
      const withdrawnAt = consent.withdrawnAt === undefined ? Infinity : Date.parse(consent.withdrawnAt);
      consents.push({ id, consent, validFrom, validUntil, withdrawnAt, wellFormed: !Number.isNaN(validFrom + validUntil + withdrawnAt) });
    }
    const referrals = Object.entries(state.referrals).filter(([, r]) => r.to === agency.id).map(([id, r]) => ({ id, basis: r.basis }));
    const designation = state.coordinator?.agency === agency.id ? state.coordinator.basis : undefined;
    const coordinator = state.coordinator?.agency !== agency.id ? null
      : designation?.kind === 'consent' ? { consent: consents.findIndex((c) => c.id === designation.consentId) }
      : { basis: designation ?? null };
    const key = JSON.stringify([
      agency.id,
      agency.municipality !== null && agency.municipality === state.residenceMunicipality,
      state.involved?.[agency.id] === true,
      // Who can rely on each consent (AgencyPolicy conditions its rules on owners by these ids, global ones).
      consents.map(({ consent: c }) => [c.decision, c.categories, c.purposes, c.recordedBy ?? null, c.assurance ?? null, c.recipients, sortedAnswers(c.confirmations)]),
      referrals.length,
      coordinator,
      // Who raised a signal (a child-welfare concern): opens the identity under the duty to notify.
      state.raised ?? null,
    ]);
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      // Numbers are never reused, so forgetting the table (bounded memory) only costs cache hits.
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      shape = this.nextShape++;
      this.shapes.set(key, shape);
    }
    return { shape, consents, referrals, designation };
  }
}

const MAX_SHAPES = 100_000;

const sortedAnswers = (answers: Record<string, string> | undefined): Array<[string, string]> =>
  Object.entries(answers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Whether two states agree on every fact AgencyPolicy reads (the log position aside). */
export function samePolicyFacts(a: SubjectPolicyState, b: SubjectPolicyState): boolean {
  return a.consent === b.consent && a.referrals === b.referrals && a.involved === b.involved
    && a.residenceMunicipality === b.residenceMunicipality && a.coordinator === b.coordinator && a.raised === b.raised;
}

/** Whether two states agree on every fact AgencyPolicy reads when the requester is `agency`: those samePolicyFacts compares, only its own involvement. */
export function sameFactsFor(agency: string, a: SubjectPolicyState, b: SubjectPolicyState): boolean {
  return a.consent === b.consent && a.referrals === b.referrals && a.coordinator === b.coordinator && a.raised === b.raised
    && a.residenceMunicipality === b.residenceMunicipality && (a.involved?.[agency] === true) === (b.involved?.[agency] === true);
}
