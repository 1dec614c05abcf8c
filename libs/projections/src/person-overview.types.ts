import type {
  ConsentDecision, ConsentRecipient, ContactChannel, HouseholdRelation, Purpose, ReferralDeadline, ReferralStatus,
} from '@samhandling/domain';
import type { Labelled } from './projection';

export interface OverviewIdentity extends Labelled {
  givenName: string;
  familyName: string;
  birthDate: string;
  nationalId?: string;
  registeredBy: string;
  registeredAt: string;
}

export interface OverviewResidence extends Labelled {
  familyReunification: boolean;
  sponsorId?: string;
  municipality: string;
  grantedOn: string;
}

export interface OverviewHouseholdLink extends Labelled {
  memberId: string;
  relation: HouseholdRelation;
}

/** That a contact happened, never what was said: summary and concerns stay in contact-history. */
export interface OverviewContact extends Labelled {
  contactId: string;
  occurredAt: string;
  channel: ContactChannel;
}

export interface OverviewReferral extends Labelled {
  referralId: string;
  from: string;
  to: string;
  status: ReferralStatus;
  acknowledgeBy: string;
  answerBy: string;
  /** Deadlines that passed unanswered, as the scheduler recorded them. */
  escalations?: Array<{ deadline: ReferralDeadline; escalatedAt: string }>;
}

/** Expiry is left to the reader (it depends on the moment of reading); withdrawal is a fact. */
export interface OverviewConsent extends Labelled {
  consentId: string;
  decision: ConsentDecision;
  recipients: ConsentRecipient[];
  purposes: Purpose[];
  validFrom: string;
  validUntil?: string;
  status: 'active' | 'withdrawn';
  withdrawnAt?: string;
}

/** The single point of entry the person can turn to. */
export interface OverviewCoordinator extends Labelled {
  agency: string;
  caseworker?: string;
  designatedAt: string;
}

export interface PersonOverview {
  subjectId: string;
  coordinator?: OverviewCoordinator;
  identity?: OverviewIdentity;
  residence?: OverviewResidence;
  household: OverviewHouseholdLink[];
  /** Sorted agency ids that recorded anything about the person or are party to a referral. */
  involvedAgencies: string[];
  latestContactPerAgency: Record<string, OverviewContact>;
  /** Neither completed nor declined; sorted by answer deadline. */
  openReferrals: OverviewReferral[];
  consentSummary: OverviewConsent[];
}
