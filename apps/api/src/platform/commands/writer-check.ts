import { Inject, Injectable } from '@nestjs/common';
import { forbidden, referralStream } from '@samhandling/domain';
import type { EventStore } from '@samhandling/event-store';
import { AgencyDirectory } from '@samhandling/config';
import { POLICY_STATE, WRITER_RULES, writerRefusal, type SubjectPolicyState, type WriterFacts, type WrittenCommand } from '@samhandling/policy';
import type { ProjectionSet } from '@samhandling/projections';
import { PROJECTIONS } from '../store/projections.token';
import { EVENT_STORE } from '../store/store.module';
import type { CommandContext } from './handle-command';

type AnyCommand = { type: string; data: { subjectId?: string; consentId?: string; referralId?: string } };

/**
 * The one place every command's writer rule (libs/policy writer-rules) is enforced, for HTTP and
 * the Kafka inbox alike: the handlers call it before deciding. The writer's relation to the
 * person is read from the policy state at the head of the log (caught up first, so an agency's
 * own earlier writes count).
 */
@Injectable()
export class WriterCheck {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly runtime: ProjectionSet,
    private readonly directory: AgencyDirectory,
  ) {}

  async require(command: AnyCommand, context: CommandContext): Promise<void> {
    const writer = this.directory.get(context.agency);
    const relation = (WRITER_RULES as Record<string, { relation: string } | undefined>)[command.type]?.relation;
    // Rules on the writer's kind alone need no look-up: most commands (contacts, consents) stay one read and one append.
    const facts = relation === 'any' || relation === 'system' ? {} : await this.factsFor(command);
    const refusal = writerRefusal(command.type as WrittenCommand, writer ? { id: writer.id, kind: writer.kind } : undefined, facts);
    if (refusal) throw forbidden(refusal.code, refusal.message);
  }

  private async factsFor(command: AnyCommand): Promise<WriterFacts> {
    const { subjectId, consentId, referralId } = command.data;
    const facts: WriterFacts = consentId !== undefined ? { consentId } : {};
    if (referralId !== undefined && command.type !== 'SendReferral') {
      const [sent] = await this.store.readStream(referralStream(referralId), { limit: 1 });
      if (sent?.type === 'ReferralSent') facts.referral = { from: String(sent.data.from), to: String(sent.data.to) };
    }
    if (subjectId !== undefined) {
      // The policy's own lane only: a command never waits for a read model.
      await this.runtime.catchUp([POLICY_STATE]);
      const state = await this.runtime.get<SubjectPolicyState>(POLICY_STATE, subjectId);
      if (state) facts.state = state;
    }
    return facts;
  }
}
