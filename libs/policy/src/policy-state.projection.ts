import { evolveSubjectPolicy, policySubjectOf } from './subject-policy-fold';
import { initialSubjectPolicyState, type LogEvent, type SubjectPolicyState } from './subject-policy-state';

/** The name of the policy's own read model (and of its checkpoint, `projections:policy-state`). */
export const POLICY_STATE = 'policy-state';

/**
 * Policy facts per person as a read model (structurally a @samhandling/projections Projection),
 * folded in a lane of its own in the API (ProjectionSet), so every decision waits for it and no
 * read model can hold it back.
 */
export const policyStateProjection = {
  name: POLICY_STATE,
  // 2: consents carry who recorded them, their assurance and each discloser's answer; concerns raised.
  version: 2,
  categories: [],
  keyOf: (event: LogEvent): string[] => {
    const subjectId = policySubjectOf(event);
    return subjectId ? [subjectId] : [];
  },
  init: (subjectId: string): SubjectPolicyState => initialSubjectPolicyState(subjectId),
  evolve: (state: SubjectPolicyState, event: LogEvent): SubjectPolicyState => evolveSubjectPolicy(state, event),
};
