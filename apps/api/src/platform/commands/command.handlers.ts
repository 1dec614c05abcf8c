import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  conflict, consentDecider, consentStatusAt, consentStream, contactDecider, fold, invalid, notFound, contactStream, recipientCovers, referralDecider,
  referralStream, reReferral, subjectDecider, subjectStream, type ConsentEvent, type CoordinatorBasis, type ReferralEvent,
} from '@samhandling/domain';
import type { EventStore } from '@samhandling/event-store';
import { LegalBasisCatalog } from '@samhandling/policy';
import { AgencyDirectory } from '@samhandling/config';
import { EVENT_STORE } from '../store/store.module';
import { ConsentCommandMessage, ContactCommandMessage, metadataOf, ReferralCommandMessage, ReReferralMessage, SubjectCommandMessage } from './command-message';
import { handleCommand, type CommandResult } from './handle-command';
import { requireAgency, requireSubject } from './preconditions';
import { WriterCheck } from './writer-check';

@CommandHandler(SubjectCommandMessage)
export class SubjectCommandHandler implements ICommandHandler<SubjectCommandMessage, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory, private readonly catalog: LegalBasisCatalog,
    private readonly writers: WriterCheck,
  ) {}

  async execute({ command, context }: SubjectCommandMessage): Promise<CommandResult> {
    await this.writers.require(command, context);
    if (command.type === 'DesignateCoordinator') {
      requireAgency(this.directory, command.data.agency, 'Coordinator');
      await this.requireDesignationBasis(command.data.subjectId, command.data.agency, command.data.basis, command.metadata.now);
    }
    if (command.type === 'GrantResidence') {
      if (command.data.sponsorId) await requireSubject(this.store, command.data.sponsorId, 'Sponsor');
    }
    if (command.type === 'LinkHousehold') await requireSubject(this.store, command.data.memberId, 'Household member');
    return handleCommand(this.store, subjectDecider, subjectStream(command.data.subjectId), command, context);
  }

  /**
   * A coordinator sees who is involved with the person: that needs the person's consent naming
   * the coordinator, active now, or a catalog entry for coordination that reaches the coordinator's kind (never a
   * voluntary organisation: they take part on consent only).
   */
  private async requireDesignationBasis(subjectId: string, agency: string, basis: CoordinatorBasis, now: string): Promise<void> {
    const kind = this.directory.get(agency)!.kind;
    if (basis.kind === 'legal') {
      const entry = this.catalog.current().find((e) => e.id === basis.entryId);
      // The entry must be one for coordinating: break-glass (emergency) or care entries are not standing designations.
      if (!entry || entry.consentRequired || (entry.to !== '*' && !entry.to.includes(kind)) || (entry.purposes !== '*' && !entry.purposes.includes('coordination'))) {
        throw invalid('COORDINATOR.BASIS_NOT_APPLICABLE', `Catalog entry ${basis.entryId} gives no basis for ${agency} (${kind}) to coordinate`);
      }
      return;
    }
    const consents = fold(consentDecider, (await this.store.readStream(consentStream(subjectId))) as unknown as ConsentEvent[]);
    const consent = consents.consents[basis.consentId];
    if (!consent) throw notFound('CONSENT.NOT_FOUND', `Consent ${basis.consentId} does not exist for this person`);
    if (consent.decision !== 'permit' || !consent.recipients.some((r) => recipientCovers(r, agency, kind))) {
      throw invalid('COORDINATOR.CONSENT_NOT_NAMING', `Consent ${basis.consentId} does not permit sharing with ${agency}`);
    }
    const status = consentStatusAt(consent, now);
    if (status !== 'active') throw conflict('COORDINATOR.CONSENT_NOT_ACTIVE', `Consent ${basis.consentId} is ${status}`);
  }
}

@CommandHandler(ContactCommandMessage)
export class ContactCommandHandler implements ICommandHandler<ContactCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly writers: WriterCheck) {}

  async execute({ command, context }: ContactCommandMessage): Promise<CommandResult> {
    await this.writers.require(command, context);
    await requireSubject(this.store, command.data.subjectId);
    return handleCommand(this.store, contactDecider, contactStream(command.data.contactId), command, context);
  }
}

@CommandHandler(ConsentCommandMessage)
export class ConsentCommandHandler implements ICommandHandler<ConsentCommandMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory, private readonly writers: WriterCheck) {}

  async execute({ command, context }: ConsentCommandMessage): Promise<CommandResult> {
    await requireSubject(this.store, command.data.subjectId);
    await this.writers.require(command, context);
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
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly directory: AgencyDirectory, private readonly writers: WriterCheck) {}

  async execute({ command, context }: ReferralCommandMessage): Promise<CommandResult> {
    await this.writers.require(command, context);
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

@CommandHandler(ReReferralMessage)
export class ReReferralHandler implements ICommandHandler<ReReferralMessage, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly bus: CommandBus, private readonly writers: WriterCheck) {}

  async execute({ declinedReferralId, input, context, now }: ReReferralMessage): Promise<CommandResult> {
    await this.writers.require({ type: 'ReReferReferral', data: { referralId: declinedReferralId } }, context);
    const history = (await this.store.readStream(referralStream(declinedReferralId))) as unknown as ReferralEvent[];
    const send = reReferral(fold(referralDecider, history), declinedReferralId, input, metadataOf(context, now));
    return this.bus.execute<ReferralCommandMessage, CommandResult>(new ReferralCommandMessage(send, context));
  }
}
