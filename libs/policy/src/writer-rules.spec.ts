import { initialSubjectPolicyState, type SubjectPolicyState } from './subject-policy-state';
import { WRITER_RULES, writerRefusal, type Writer, type WrittenCommand } from './writer-rules';

const health: Writer = { id: 'oslo-health', kind: 'health' };
const refugee: Writer = { id: 'oslo-refugee', kind: 'refugee_service' };
const nav: Writer = { id: 'nav-oslo', kind: 'nav' };
const redCross: Writer = { id: 'red-cross-oslo', kind: 'voluntary' };
const udi: Writer = { id: 'udi', kind: 'national_authority' };

/** oslo-health and oslo-refugee are involved; oslo-refugee recorded consent c1 naming every voluntary organisation. */
const state = (): SubjectPolicyState => {
  const s = initialSubjectPolicyState('s1');
  return {
    ...s, involved: { 'oslo-health': true, 'oslo-refugee': true },
    consent: {
      ...s.consent,
      consents: {
        c1: { status: 'active', decision: 'permit', recipients: [{ agencyKind: 'voluntary' }], categories: ['identity'], purposes: ['coordination'], validFrom: '2026-01-01T00:00:00Z', recordedBy: 'oslo-refugee' },
      },
    },
  };
};
const code = (command: WrittenCommand, writer: Writer | undefined, facts: Parameters<typeof writerRefusal>[2] = { state: state() }) => writerRefusal(command, writer, facts)?.code;

describe('writerRefusal', () => {
  it('reserves escalation to the platform scheduler: no agency, however involved, may escalate', () => {
    expect(code('EscalateReferral', health, { state: state(), referral: { from: 'oslo-refugee', to: 'oslo-health' } })).toBe('WRITER.SYSTEM_ONLY');
    expect(code('EscalateReferral', refugee, { state: state(), referral: { from: 'oslo-refugee', to: 'oslo-health' } })).toBe('WRITER.SYSTEM_ONLY');
    expect(code('EscalateReferral', undefined, { system: true })).toBeUndefined();
  });

  it('refuses a writer that is not in the agency directory', () => {
    expect(code('RecordContact', undefined)).toBe('WRITER.UNKNOWN_AGENCY');
  });

  it('reserves residence grants to the national authorities and household and coordinator facts to public services', () => {
    expect(code('GrantResidence', udi)).toBeUndefined();
    expect(code('GrantResidence', refugee)).toBe('WRITER.KIND_NOT_ALLOWED');
    for (const command of ['LinkHousehold', 'DesignateCoordinator'] as const) {
      expect(code(command, refugee)).toBeUndefined();
      expect(code(command, redCross)).toBe('WRITER.KIND_NOT_ALLOWED');
      expect(code(command, nav)).toBe('WRITER.NOT_INVOLVED');
      expect(code(command, refugee, {})).toBe('WRITER.NOT_INVOLVED'); // a person not seen yet: nobody is involved
    }
  });

  it('once a coordinator is designated, lets only it or the service that designated it hand the task on', () => {
    const coordinated = { ...state(), involved: { ...state().involved, 'bergen-health': true as const, 'nav-oslo': true as const }, coordinator: { agency: 'oslo-refugee', basis: { kind: 'consent' as const, consentId: 'c1' }, designatedBy: 'nav-oslo' } };
    expect(code('DesignateCoordinator', refugee, { state: coordinated })).toBeUndefined();
    expect(code('DesignateCoordinator', nav, { state: coordinated })).toBeUndefined();
    // Involved through one contact, but neither the coordinator nor its designator.
    expect(code('DesignateCoordinator', health, { state: coordinated })).toBe('WRITER.NOT_COORDINATION_PARTY');
    expect(code('DesignateCoordinator', { id: 'bergen-health', kind: 'health' }, { state: coordinated })).toBe('WRITER.NOT_COORDINATION_PARTY');
  });

  it('lets a consent party or an involved service withdraw, and nobody else', () => {
    expect(code('WithdrawConsent', health, { state: state(), consentId: 'c1' })).toBeUndefined();
    expect(code('WithdrawConsent', redCross, { state: state(), consentId: 'c1' })).toBeUndefined(); // a recipient, by kind
    expect(code('WithdrawConsent', nav, { state: state(), consentId: 'c1' })).toBe('WRITER.NOT_INVOLVED');
    expect(code('WithdrawConsent', nav, { state: state(), consentId: 'no-such' })).toBe('WRITER.NOT_INVOLVED');
  });

  it('lets only an involved service confirm or reject', () => {
    for (const command of ['ConfirmConsent', 'RejectConsent'] as const) {
      expect(code(command, health, { state: state(), consentId: 'c1' })).toBeUndefined();
      expect(code(command, redCross, { state: state(), consentId: 'c1' })).toBe('WRITER.NOT_INVOLVED');
    }
  });

  it('lets only the receiver answer a referral and only the sender re-refer it', () => {
    const referral = { from: 'oslo-refugee', to: 'oslo-health' };
    for (const command of ['AcknowledgeReferral', 'AcceptReferral', 'DeclineReferral', 'CompleteReferral'] as const) {
      expect(code(command, health, { referral })).toBeUndefined();
      expect(code(command, refugee, { referral })).toBe('REFERRAL.NOT_RECIPIENT');
    }
    expect(code('ReReferReferral', refugee, { referral })).toBeUndefined();
    expect(code('ReReferReferral', health, { referral })).toBe('REFERRAL.NOT_SENDER');
  });

  it('needs no relation for what an agency asserts of its own (contacts, referrals, registration, a consent given to it)', () => {
    for (const command of ['RegisterSubject', 'RecordContact', 'GiveConsent', 'SendReferral'] as const) {
      expect(WRITER_RULES[command].relation).toBe('any');
      expect(code(command, redCross, {})).toBeUndefined();
    }
  });
});
