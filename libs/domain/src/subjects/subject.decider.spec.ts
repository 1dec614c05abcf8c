import { fold } from '../shared/decider';
import { given } from '../testing/given-when-then';
import { meta } from '../testing/metadata';
import type { GrantResidence, LinkHousehold, RegisterSubject } from './subject.commands';
import { subjectDecider } from './subject.decider';
import type { ArrivalNotice, HouseholdLinked, HouseholdRelation, ResidenceGranted, SubjectRegistered } from './subject.events';

const IMDI = meta({ agency: 'imdi', actor: 'case-officer-7' });

const register = (data: Partial<RegisterSubject['data']> = {}): RegisterSubject => ({
  type: 'RegisterSubject',
  data: { subjectId: 'amina', givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-12', ...data },
  metadata: meta(),
});
const registered: SubjectRegistered = {
  type: 'SubjectRegistered',
  data: {
    subjectId: 'amina',
    givenName: 'Amina',
    familyName: 'Hassan',
    birthDate: '1990-04-12',
    registeredBy: 'health-oslo',
    registeredAt: '2026-01-10T10:00:00Z',
  },
};
const grant = (data: Partial<GrantResidence['data']> = {}): GrantResidence => ({
  type: 'GrantResidence',
  data: { subjectId: 'amina', familyReunification: true, sponsorId: 'yusuf', municipality: '0301', grantedOn: '2026-01-05', ...data },
  metadata: IMDI,
});
const link = (data: Partial<LinkHousehold['data']> = {}): LinkHousehold => ({
  type: 'LinkHousehold',
  data: { subjectId: 'amina', memberId: 'sara', relation: 'child', ...data },
  metadata: meta(),
});
const linked: HouseholdLinked = {
  type: 'HouseholdLinked',
  data: { subjectId: 'amina', memberId: 'sara', relation: 'child', linkedBy: 'health-oslo' },
};

describe('RegisterSubject', () => {
  it('registers a new person, recording the registering agency and time', () => {
    given(subjectDecider, []).when(register()).then([registered]);
  });

  it('keeps the national id when one is known', () => {
    given(subjectDecider, [])
      .when(register({ nationalId: '12049012345' }))
      .then([{ ...registered, data: { ...registered.data, nationalId: '12049012345' } }]);
  });

  it('accepts a child born today', () => {
    given(subjectDecider, [])
      .when(register({ birthDate: '2026-01-10' }))
      .then([{ ...registered, data: { ...registered.data, birthDate: '2026-01-10' } }]);
  });

  it('refuses to register the same person twice', () => {
    given(subjectDecider, [registered]).when(register()).thenThrows('SUBJECT.ALREADY_REGISTERED', 'conflict');
  });

  it.each(['12.04.1990', '1990-02-30', 'yesterday', '2026-01-11'])('rejects birth date %s', (birthDate) => {
    given(subjectDecider, []).when(register({ birthDate })).thenThrows('SUBJECT.INVALID_BIRTH_DATE', 'validation');
  });
});

describe('GrantResidence', () => {
  const reunified: ResidenceGranted = {
    type: 'ResidenceGranted',
    data: { subjectId: 'amina', familyReunification: true, sponsorId: 'yusuf', municipality: '0301', grantedOn: '2026-01-05', recordedBy: 'imdi' },
  };
  const sponsorLink = (relation: HouseholdLinked['data']['relation']): HouseholdLinked => ({
    type: 'HouseholdLinked',
    data: { subjectId: 'amina', memberId: 'yusuf', relation, linkedBy: 'imdi' },
  });

  const notice = (relationToSponsor: HouseholdRelation): ArrivalNotice => ({
    type: 'ArrivalNotice',
    data: {
      subjectId: 'amina', municipality: '0301', givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-12', sponsorId: 'yusuf',
      relationToSponsor, grantedOn: '2026-01-05', issuedBy: 'imdi', issuedAt: '2026-01-10T10:00:00Z',
    },
  });

  it('records a family-reunification grant, links the sponsor into the household and prepares the arrival notice, in one step', () => {
    given(subjectDecider, [registered]).when(grant({ relationToSponsor: 'spouse' })).then([reunified, sponsorLink('spouse'), notice('spouse')]);
  });

  it("links the sponsor as 'other' when the grant does not say what the sponsor is to the person", () => {
    given(subjectDecider, [registered]).when(grant()).then([reunified, sponsorLink('other'), notice('other')]);
  });

  it('does not link the sponsor a second time on a renewed grant, and names the known relation in the new notice', () => {
    given(subjectDecider, [registered, reunified, sponsorLink('spouse')]).when(grant()).then([reunified, notice('spouse')]);
  });

  it('prepares no arrival notice for an ordinary grant', () => {
    given(subjectDecider, [registered]).when(grant({ familyReunification: false, sponsorId: undefined })).then([
      { type: 'ResidenceGranted', data: { subjectId: 'amina', familyReunification: false, municipality: '0301', grantedOn: '2026-01-05', recordedBy: 'imdi' } },
    ]);
  });

  it('refuses a relation to a sponsor that is not named', () => {
    given(subjectDecider, [registered])
      .when(grant({ familyReunification: false, sponsorId: undefined, relationToSponsor: 'spouse' }))
      .thenThrows('SUBJECT.RELATION_WITHOUT_SPONSOR', 'validation');
  });

  it('records an ordinary grant without a sponsor', () => {
    given(subjectDecider, [registered])
      .when(grant({ familyReunification: false, sponsorId: undefined }))
      .then([
        {
          type: 'ResidenceGranted',
          data: { subjectId: 'amina', familyReunification: false, municipality: '0301', grantedOn: '2026-01-05', recordedBy: 'imdi' },
        },
      ]);
  });

  it('needs a registered subject', () => {
    given(subjectDecider, []).when(grant()).thenThrows('SUBJECT.NOT_FOUND', 'not_found');
  });

  it('needs a sponsor for family reunification', () => {
    given(subjectDecider, [registered]).when(grant({ sponsorId: undefined })).thenThrows('SUBJECT.SPONSOR_REQUIRED', 'validation');
  });

  it('rejects a person sponsoring themselves', () => {
    given(subjectDecider, [registered]).when(grant({ sponsorId: 'amina' })).thenThrows('SUBJECT.SELF_SPONSOR', 'validation');
  });

  it('rejects a grant date that is not a calendar date', () => {
    given(subjectDecider, [registered]).when(grant({ grantedOn: '5 Jan' })).thenThrows('SUBJECT.INVALID_GRANT_DATE', 'validation');
  });
});

describe('LinkHousehold', () => {
  it('links a household member with the relation', () => {
    given(subjectDecider, [registered]).when(link()).then([linked]);
  });

  it('needs a registered subject', () => {
    given(subjectDecider, []).when(link()).thenThrows('SUBJECT.NOT_FOUND', 'not_found');
  });

  it('rejects linking a person to themselves', () => {
    given(subjectDecider, [registered]).when(link({ memberId: 'amina' })).thenThrows('SUBJECT.SELF_LINK', 'validation');
  });

  it('rejects linking the same member twice, even with another relation', () => {
    given(subjectDecider, [registered, linked]).when(link({ relation: 'sibling' })).thenThrows('SUBJECT.ALREADY_LINKED', 'conflict');
  });

  it('treats member ids that look like object properties as ordinary ids', () => {
    given(subjectDecider, [registered])
      .when(link({ memberId: 'constructor' }))
      .then([{ ...linked, data: { ...linked.data, memberId: 'constructor' } }]);
  });
});

describe('subject state', () => {
  it('holds registration, the latest residence grant and the household', () => {
    const renewal: ResidenceGranted = {
      type: 'ResidenceGranted',
      data: { subjectId: 'amina', familyReunification: false, municipality: '4601', grantedOn: '2026-06-01', recordedBy: 'imdi' },
    };
    expect(fold(subjectDecider, [registered, linked, renewal])).toStrictEqual({
      status: 'registered',
      subjectId: 'amina',
      identity: { givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-12' },
      residence: { familyReunification: false, municipality: '4601', grantedOn: '2026-06-01' },
      householdMembers: { sara: 'child' },
    });
  });
});
