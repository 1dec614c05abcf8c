import { eventPolicyOf, labelOf } from './event-policies';
import type { LabelLookup } from './event-policy';
import { evolveSubjectPolicy, policySubjectOf } from './subject-policy-fold';
import { initialSubjectPolicyState } from './subject-policy-state';

const lookup: LabelLookup = { subject: () => ({ state: initialSubjectPolicyState('') }), route: () => undefined };

describe('event policies, looked up by event type', () => {
  it.each(['ForeignThing', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('find nothing for a type the domain does not write (%s)', (type) => {
    const event = { type, data: { subjectId: 's', agency: 'oslo-health', categories: ['child_welfare_concern'] }, metadata: { agency: 'oslo-health' }, position: 7 };
    expect(eventPolicyOf(type)).toBeUndefined();
    expect(labelOf(event, lookup)).toBeUndefined();
    expect(policySubjectOf(event)).toBeUndefined();
    // Such an event still shows who is involved, and moves the position: nothing else.
    const before = initialSubjectPolicyState('s');
    expect(evolveSubjectPolicy(before, event)).toEqual({ ...before, involved: { 'oslo-health': true }, position: 7 });
  });

  it('label a domain event by its own declaration', () => {
    const event = { type: 'SubjectRegistered', data: { subjectId: 's', registeredBy: 'udi' }, metadata: {}, position: 1 };
    expect(labelOf(event, lookup)).toEqual({ record: { kind: 'identity', subjectId: 's', ownerAgency: 'udi', categories: ['identity'] }, owners: ['udi'] });
    expect(policySubjectOf(event)).toBe('s');
  });
});
