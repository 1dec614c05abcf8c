/**
 * A decision cached for one person that answers for another with the same key (see Recipients):
 * the record asked about as the policy's builder would have it (asBuilders), the grant kept with
 * the builder's consents, referrals and designation taken out (GrantTemplate) and each asker's put
 * back in (instantiate). Those ids correspond by their position among the agency's (positionOf).
 */
import type { DataCategory, Purpose } from '@samhandling/domain';
import type { AgencyRef, Basis, Decision, DisclosableRecord } from '@samhandling/policy';
import type { AgencyFacts } from './policy-tracker';

/** A recipient entitled to one event, with the purpose and bases the delivery is made on. */
export interface Grant {
  agency: AgencyRef;
  purpose: Purpose;
  /**
   * The categories delivered: the record's own, or — a contact only part of which a basis permits
   * (partialCategories: a concern on a health contact, to child welfare) — the permitted ones.
   */
  categories: DataCategory[];
  bases: Basis[];
  reviewRequired: boolean;
}

/** positionOf: the record names no referral (or consent) at all. */
const ABSENT = -2;
/** positionOf: it names one, but not one of the agency's. */
const NOT_THEIRS = -1;

/**
 * A basis as cached: as it stands (legal, own), or, where it cites the person's consent,
 * referral or coordinator designation, how to cite another person's at the same position.
 */
type BasisTemplate = Basis | ((facts: AgencyFacts) => Basis);

/** A grant with the person taken out; `fixed` is the grant itself when no basis cites anything of theirs. */
export interface GrantTemplate {
  purpose: Purpose;
  categories: DataCategory[];
  bases: BasisTemplate[];
  reviewRequired: boolean;
  fixed?: Omit<Grant, 'agency'>;
}

/** Where `id` is among the agency's consents or referrals: ABSENT, NOT_THEIRS or its position. */
export function positionOf(list: ReadonlyArray<{ id: string }>, id: string | undefined): number {
  if (id === undefined) return ABSENT;
  for (let i = 0; i < list.length; i++) if (list[i].id === id) return i;
  return NOT_THEIRS;
}

/**
 * The record as the policy's builder would have it: a referral or consent of the asking person's
 * at a position becomes the builder's at that position; one not among the agency's becomes an id
 * none of the builder's equals. Policy conditions compare these ids only with the agency's own.
 */
export function asBuilders(record: DisclosableRecord, builtFor: AgencyFacts, referral: number, consent: number): DisclosableRecord {
  const out = { ...record };
  if (referral !== ABSENT) out.referralId = referral >= 0 ? builtFor.referrals[referral].id : unlike(builtFor.referrals);
  if (consent !== ABSENT) out.consentId = consent >= 0 ? builtFor.consents[consent].id : unlike(builtFor.consents);
  return out;
}

const unlike = (list: ReadonlyArray<{ id: string }>): string => {
  let id = '\u0000';
  while (list.some((x) => x.id === id)) id += '\u0000';
  return id;
};

/** The decision with the builder taken out: its consent and referral bases by position, its designation as "the coordinator's". */
export function template(purpose: Purpose, categories: DataCategory[], decision: Decision, builtFor: AgencyFacts): GrantTemplate {
  const bases = decision.bases.map((basis) => basisTemplate(basis, builtFor));
  const { reviewRequired } = decision;
  if (bases.some((b) => typeof b === 'function')) return { purpose, categories, bases, reviewRequired };
  return { purpose, categories, bases, reviewRequired, fixed: { purpose, categories, bases: decision.bases, reviewRequired } };
}

function basisTemplate(basis: Basis, builtFor: AgencyFacts): BasisTemplate {
  switch (basis.kind) {
    case 'consent': {
      const i = positionOf(builtFor.consents, basis.consentId);
      if (i < 0) throw new Error(`A policy cites consent ${basis.consentId}, which does not name its agency`);
      return (facts) => ({ ...basis, consentId: facts.consents[i].id });
    }
    case 'referral': {
      const i = positionOf(builtFor.referrals, basis.referralId);
      if (i < 0) throw new Error(`A policy cites referral ${basis.referralId}, which was not sent to its agency`);
      // Through JSON, as AgencyPolicy gives its bases (reasons are JSON): nothing shared with the state.
      return (facts) => JSON.parse(JSON.stringify({ ...basis, referralId: facts.referrals[i].id, referralBasis: facts.referrals[i].basis })) as Basis;
    }
    case 'coordination':
      return (facts) => JSON.parse(JSON.stringify({ ...basis, designationBasis: facts.designation })) as Basis;
    default:
      return basis;
  }
}

export function instantiate(grant: GrantTemplate, facts: AgencyFacts): Omit<Grant, 'agency'> {
  return { purpose: grant.purpose, categories: grant.categories, bases: grant.bases.map((b) => (typeof b === 'function' ? b(facts) : b)), reviewRequired: grant.reviewRequired };
}
