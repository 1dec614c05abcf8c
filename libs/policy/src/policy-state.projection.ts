import { evolveSubjectPolicy, policySubjectOf } from './subject-policy-fold';
import { initialSubjectPolicyState, type LogEvent, type SubjectPolicyState } from './subject-policy-state';

/**
 * Policy facts per person as a read model (structurally a @samhandling/projections Projection),
 * so pull reads decide on the state of the log they read, kept by the same runtime.
 */
export const policyStateProjection = {
  name: 'policy-state',
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
