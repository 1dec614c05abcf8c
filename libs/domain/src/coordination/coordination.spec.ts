import { given } from '../testing/given-when-then';
import { meta } from '../testing/metadata';
import { subjectDecider } from '../subjects/subject.decider';
import type { SubjectRegistered } from '../subjects/subject.events';
import type { CoordinatorDesignated, DesignateCoordinator } from './coordination';

const registered: SubjectRegistered = {
  type: 'SubjectRegistered',
  data: { subjectId: 'amina', givenName: 'Amina', familyName: 'Hassan', birthDate: '1990-04-12', registeredBy: 'health-oslo', registeredAt: '2026-01-10T10:00:00Z' },
};

describe('DesignateCoordinator', () => {
  const REFUGEE = meta({ agency: 'oslo-refugee', actor: 'caseworker-3' });
  const designate = (data: Partial<DesignateCoordinator['data']> = {}): DesignateCoordinator => ({
    type: 'DesignateCoordinator',
    data: { subjectId: 'amina', agency: 'oslo-refugee', caseworker: 'Kari Nordmann', basis: { kind: 'consent', consentId: 'c-1' }, ...data },
    metadata: REFUGEE,
  });
  const designated: CoordinatorDesignated = {
    type: 'CoordinatorDesignated',
    data: {
      subjectId: 'amina', agency: 'oslo-refugee', caseworker: 'Kari Nordmann', basis: { kind: 'consent', consentId: 'c-1' },
      designatedBy: 'oslo-refugee', designatedAt: '2026-01-10T10:00:00Z',
    },
  };

  it('designates the coordinating agency and caseworker, with the basis', () => {
    given(subjectDecider, [registered]).when(designate()).then([designated]);
  });

  it('names the coordinator it replaces', () => {
    given(subjectDecider, [registered, designated])
      .when(designate({ agency: 'nav-oslo', caseworker: undefined, basis: { kind: 'legal', entryId: 'nav-7' } }))
      .then([
        {
          type: 'CoordinatorDesignated',
          data: {
            subjectId: 'amina', agency: 'nav-oslo', basis: { kind: 'legal', entryId: 'nav-7' }, previousAgency: 'oslo-refugee',
            designatedBy: 'oslo-refugee', designatedAt: '2026-01-10T10:00:00Z',
          },
        },
      ]);
  });

  it('allows another caseworker at the same agency', () => {
    given(subjectDecider, [registered, designated])
      .when(designate({ caseworker: 'Ola' }))
      .then([{ ...designated, data: { ...designated.data, caseworker: 'Ola' } }]);
  });

  it('refuses a designation that changes nothing', () => {
    given(subjectDecider, [registered, designated]).when(designate()).thenThrows('COORDINATOR.UNCHANGED', 'conflict');
  });

  it('needs a registered subject', () => {
    given(subjectDecider, []).when(designate()).thenThrows('SUBJECT.NOT_FOUND', 'not_found');
  });

  it.each([
    [{ kind: 'consent', consentId: ' ' }],
    [{ kind: 'legal', entryId: '' }],
    [{ kind: 'guess' }],
  ])('refuses basis %j', (basis) => {
    given(subjectDecider, [registered])
      .when(designate({ basis: basis as DesignateCoordinator['data']['basis'] }))
      .thenThrows('COORDINATOR.INVALID_BASIS', 'validation');
  });

  it('refuses a blank caseworker', () => {
    given(subjectDecider, [registered]).when(designate({ caseworker: '  ' })).thenThrows('COORDINATOR.BLANK_CASEWORKER', 'validation');
  });

  it('refuses a blank agency', () => {
    given(subjectDecider, [registered]).when(designate({ agency: '' })).thenThrows('COORDINATOR.AGENCY_REQUIRED', 'validation');
  });
});
