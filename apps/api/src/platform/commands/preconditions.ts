import { notFound, subjectStream } from '@samhandling/domain';
import type { EventStore } from '@samhandling/event-store';
import type { AgencyDirectory } from '@samhandling/config';

/** Checks that span streams (the deciders see one stream each) run before deciding. */
export async function requireSubject(store: EventStore, subjectId: string, role = 'Subject'): Promise<void> {
  const head = await store.readStream(subjectStream(subjectId), { limit: 1 });
  if (head.length === 0) throw notFound('SUBJECT.NOT_FOUND', `${role} ${subjectId} is not registered`);
}

export function requireAgency(directory: AgencyDirectory, agencyId: string, role: string): void {
  if (!directory.get(agencyId)) throw notFound('AGENCY.NOT_FOUND', `${role} ${agencyId} is not in the agency directory`);
}
