import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import {
  Dispute,
  Driver,
  Invitation,
  Organization,
  OutboundEmail,
  SiteOwner,
  SiteOwnerInvitation,
} from '@csms/domain';
import { TOKEN_PREFIX, generateToken, hashToken } from '@csms/auth';
import { MailerService, MailMessage } from './mailer.service';
import {
  driverInvitationLink,
  invitationLink,
  renderDisputeResolvedEmail,
  renderDriverInvitationEmail,
  renderInvitationEmail,
  renderSiteOwnerInvitationEmail,
  renderSiteOwnerSubmittedEmail,
  siteOwnerInvitationLink,
} from './email-renderer';

export type SendOutcome = 'sent' | 'already_sent' | 'cancelled';

/**
 * Sends one outbox row, idempotently: the row is locked for the whole send, so a second job for it
 * waits and then finds it sent. Secrets in the message (an invitation's token) are minted here, stored
 * only as their hash, and committed with the `sent` mark; a failed send rolls both back. Locks are
 * taken invitation first, then email, the order the invitation service uses, so the two cannot deadlock.
 */
@Injectable()
export class EmailSenderService {
  constructor(
    private readonly db: DataSource,
    private readonly mailer: MailerService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(emailId: string): Promise<SendOutcome> {
    const peek = await this.db.getRepository(OutboundEmail).findOneBy({ id: emailId });
    if (!peek || peek.status === 'sent') return 'already_sent';
    if (peek.status !== 'pending') return 'cancelled';
    return this.db.transaction(async (manager) => {
      const invitation = peek.invitationId ? await this.lockInvitation(manager, peek.invitationId) : null;
      const siteOwnerInvitation = peek.siteOwnerInvitationId
        ? await manager
            .getRepository(SiteOwnerInvitation)
            .createQueryBuilder('i')
            .setLock('pessimistic_write')
            .where('i.id = :id', { id: peek.siteOwnerInvitationId })
            .getOne()
        : null;
      const driver = peek.driverId
        ? await manager
            .getRepository(Driver)
            .createQueryBuilder('d')
            .setLock('pessimistic_write')
            .where('d.id = :id', { id: peek.driverId })
            .getOne()
        : null;
      const email = await manager
        .getRepository(OutboundEmail)
        .createQueryBuilder('e')
        .setLock('pessimistic_write')
        .where('e.id = :emailId', { emailId })
        .getOne();
      if (!email || email.status === 'sent') return 'already_sent';
      if (email.status !== 'pending') return 'cancelled';
      const message = await this.render(manager, email, { invitation, siteOwnerInvitation, driver });
      if (!message) {
        await manager.update(OutboundEmail, { id: email.id }, { status: 'cancelled', lastError: 'obsolete' });
        return 'cancelled';
      }
      const messageId = await this.mailer.send(message);
      await manager.update(
        OutboundEmail,
        { id: email.id },
        {
          status: 'sent',
          sentAt: this.clock.now(),
          attempts: email.attempts + 1,
          subject: message.subject,
          messageId: messageId ?? null,
          lastError: null,
        },
      );
      return 'sent';
    });
  }

  /** Records a failed attempt (outside the rolled-back send); `final` gives the row up. */
  async recordFailure(emailId: string, error: string, final: boolean): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(OutboundEmail)
      .set({
        attempts: () => 'attempts + 1',
        lastError: error.slice(0, 2000),
        ...(final && { status: 'failed' as const }),
      })
      .where("id = :emailId AND status = 'pending'", { emailId })
      .execute();
  }

  private lockInvitation(manager: EntityManager, invitationId: string): Promise<Invitation | null> {
    return manager
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :invitationId', { invitationId })
      .getOne();
  }

  private async render(
    manager: EntityManager,
    email: OutboundEmail,
    related: {
      invitation: Invitation | null;
      siteOwnerInvitation: SiteOwnerInvitation | null;
      driver: Driver | null;
    },
  ): Promise<MailMessage | null> {
    const { invitation, siteOwnerInvitation, driver } = related;
    switch (email.template) {
      case 'invitation': {
        if (
          !invitation ||
          invitation.status !== 'pending' ||
          invitation.expiresAt.getTime() <= this.clock.nowMs()
        ) {
          return null;
        }
        const organization = await manager.findOneByOrFail(Organization, { id: invitation.organizationId });
        const token = generateToken(TOKEN_PREFIX.invitation);
        await manager.update(Invitation, { id: invitation.id }, { tokenHash: hashToken(token) });
        return renderInvitationEmail(
          invitation,
          organization,
          invitationLink(this.config.api.publicUrl, token),
        );
      }
      case 'site_owner_invitation': {
        const inv = siteOwnerInvitation;
        if (!inv || inv.status !== 'pending' || inv.expiresAt.getTime() <= this.clock.nowMs()) return null;
        const organization = await manager.findOneByOrFail(Organization, { id: inv.organizationId });
        const token = generateToken(TOKEN_PREFIX.invitation);
        await manager.update(SiteOwnerInvitation, { id: inv.id }, { tokenHash: hashToken(token) });
        return renderSiteOwnerInvitationEmail(
          inv,
          organization,
          siteOwnerInvitationLink(this.config.api.publicUrl, token),
        );
      }
      case 'site_owner_submitted': {
        const owner = email.siteOwnerId
          ? await manager.findOne(SiteOwner, { where: { id: email.siteOwnerId }, relations: { user: true } })
          : null;
        if (!owner || owner.status !== 'approval_pending') return null;
        const organization = await manager.findOneByOrFail(Organization, { id: owner.organizationId });
        return renderSiteOwnerSubmittedEmail(email.recipient, owner, organization, this.config.api.publicUrl);
      }
      case 'driver_invitation': {
        if (
          !driver ||
          driver.status !== 'invited' ||
          !driver.invitationExpiresAt ||
          driver.invitationExpiresAt.getTime() <= this.clock.nowMs()
        ) {
          return null;
        }
        const organization = await manager.findOneByOrFail(Organization, { id: driver.organizationId });
        const token = generateToken(TOKEN_PREFIX.invitation);
        await manager.update(Driver, { id: driver.id }, { invitationTokenHash: hashToken(token) });
        return renderDriverInvitationEmail(
          driver,
          organization,
          driverInvitationLink(this.config.api.publicUrl, token),
        );
      }
      case 'dispute_resolved': {
        const dispute = email.disputeId ? await manager.findOneBy(Dispute, { id: email.disputeId }) : null;
        if (!dispute || dispute.status === 'open') return null;
        const organization = await manager.findOneByOrFail(Organization, { id: dispute.organizationId });
        return renderDisputeResolvedEmail(email.recipient, dispute, organization);
      }
      default:
        throw new Error(`No renderer for email template ${String(email.template)}`);
    }
  }
}
