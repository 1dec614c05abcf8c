import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  consentDecider, consentStream, contactDecider, notFound, contactStream, referralDecider, referralStream, subjectDecider, subjectStream,
} from '@samhandling/domain';
import type { EventStore } from '@samhandling/event-store';
import { AgencyDirectory } from '../config/agency-directory';
import { EVENT_STORE } from '../store/store.module';
import { ConsentCommandMessage, ContactCommandMessage, ReferralCommandMessage, SubjectCommandMessage } from './command-message';
import { handleCommand, type CommandResult } from './handle-command';
import { requireAgency, requireKind, requireSubject } from './preconditions';

@CommandHandler(SubjectCommandMessage)
export class SubjectCommandHandler implements ICommandHandler<SubjectCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory) {}

  async execute({ command, context }: SubjectCommandMessage): Promise<CommandResult> {
    if (command.type === 'GrantResidence') {
      // Residence permits are decided by the national immigration authorities, not municipalities.
      requireKind(this.directory, context.agency, ['national_authority'], 'Recording a residence permit');
      if (command.data.sponsorId) await requireSubject(this.store, command.data.sponsorId, 'Sponsor');
    }
    if (command.type === 'LinkHousehold') await requireSubject(this.store, command.data.memberId, 'Household member');
    return handleCommand(this.store, subjectDecider, subjectStream(command.data.subjectId), command, context);
  }
}

@CommandHandler(ContactCommandMessage)
export class ContactCommandHandler implements ICommandHandler<ContactCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ command, context }: ContactCommandMessage): Promise<CommandResult> {
    await requireSubject(this.store, command.data.subjectId);
    return handleCommand(this.store, contactDecider, contactStream(command.data.subjectId), command, context);
  }
}

@CommandHandler(ConsentCommandMessage)
export class ConsentCommandHandler implements ICommandHandler<ConsentCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory) {}

  async execute({ command, context }: ConsentCommandMessage): Promise<CommandResult> {
    await requireSubject(this.store, command.data.subjectId);
    if (command.type === 'GiveConsent') {
      for (const recipient of command.data.recipients) {
        if ('agency' in recipient) requireAgency(this.directory, recipient.agency, 'Consent recipient');
      }
    }
    return handleCommand(this.store, consentDecider, consentStream(command.data.subjectId), command, context);
  }
}

@CommandHandler(ReferralCommandMessage)
export class ReferralCommandHandler implements ICommandHandler<ReferralCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory) {}

  async execute({ command, context }: ReferralCommandMessage): Promise<CommandResult> {
    if (command.type === 'SendReferral') {
      await requireSubject(this.store, command.data.subjectId);
      requireAgency(this.directory, command.data.to, 'Receiving agency');
      if (command.data.previousReferralId) await this.requireReferral(command.data.previousReferralId);
    }
    if (command.type === 'DeclineReferral' && command.data.suggestedAgency) {
      requireAgency(this.directory, command.data.suggestedAgency, 'Suggested agency');
    }
    return handleCommand(this.store, referralDecider, referralStream(command.data.referralId), command, context);
  }

  private async requireReferral(referralId: string): Promise<void> {
    const head = await this.store.readStream(referralStream(referralId), { limit: 1 });
    if (head.length === 0) throw notFound('REFERRAL.NOT_FOUND', `Referral ${referralId} does not exist`);
  }
}
