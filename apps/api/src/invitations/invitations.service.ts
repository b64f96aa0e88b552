import { Injectable, Logger } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import {
  Clock,
  Page,
  PageQueryDto,
  Problems,
  isUniqueViolation,
  newId,
  page,
  pageParams,
} from '@csms/common';
import {
  Invitation,
  InvitationStatus,
  Membership,
  Organization,
  OutboundEmail,
  Role,
  User,
} from '@csms/domain';
import { AuthContext, hashToken } from '@csms/auth';
import { NotificationsProducer } from '@csms/queues';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { TokenResponse } from '../identity/dto/responses.dto';

/** Invitations expire after 7 days (operator guide). */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface NewInvitation {
  email: string;
  role: Role;
}

export interface AcceptInput {
  token: string;
  firstName?: string;
  lastName?: string;
  password?: string;
}

export interface AcceptedInvitation {
  invitation: Invitation;
  organization: Organization;
  membership: Membership;
  user: User;
  /** Set when the account was created by accepting. */
  token?: TokenResponse;
}

function snapshot(inv: Invitation): Record<string, unknown> {
  return { email: inv.email, role: inv.role, status: inv.status, expires_at: inv.expiresAt.toISOString() };
}

/**
 * Invitations to join the caller's organization. Each issue (create, resend) writes an outbox email in
 * the same transaction; the job is enqueued after commit, and the reconciler covers a lost enqueue.
 */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
    private readonly producer: NotificationsProducer,
  ) {}

  /** `expired` for pending invitations past their expiry, otherwise the stored status. */
  statusOf(inv: Invitation): InvitationStatus {
    return inv.status === 'pending' && inv.expiresAt.getTime() <= this.clock.nowMs() ? 'expired' : inv.status;
  }

  async create(auth: AuthContext, input: NewInvitation): Promise<Invitation> {
    const orgId = auth.orgId;
    const email = input.email.trim().toLowerCase();
    const now = this.clock.now();
    const { invitation, emailId } = await this.db.transaction(async (manager) => {
      const member = await manager
        .getRepository(Membership)
        .createQueryBuilder('m')
        .innerJoin('m.user', 'u')
        .where('m.organization_id = :orgId AND lower(u.email) = :email', { orgId, email })
        .getExists();
      if (member)
        throw Problems.conflict('already_member', `${email} is already a member of this organization`);
      await manager
        .createQueryBuilder()
        .update(Invitation)
        .set({ status: 'expired' })
        .where("organization_id = :orgId AND email = :email AND status = 'pending' AND expires_at <= :now", {
          orgId,
          email,
          now,
        })
        .execute();
      const invitation = manager.create(Invitation, {
        id: newId('inv'),
        organizationId: orgId,
        email,
        role: input.role,
        status: 'pending',
        tokenHash: null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        sentAt: now,
        invitedByUserId: auth.userId,
        invitedByKeyId: auth.principal.kind === 'api_key' ? auth.principal.keyId : null,
      });
      try {
        await manager.insert(Invitation, invitation);
      } catch (err) {
        if (isUniqueViolation(err)) throw this.pendingConflict(email);
        throw err;
      }
      const emailId = await this.queueEmail(manager, invitation);
      await this.audit.record(manager, orgId, auth.actor, {
        action: 'invitation.created',
        resourceType: 'invitation',
        resourceId: invitation.id,
        after: snapshot(invitation),
      });
      return { invitation, emailId };
    });
    await this.enqueue(emailId);
    return this.get(orgId, invitation.id);
  }

  async list(orgId: string, query: PageQueryDto & { status?: InvitationStatus }): Promise<Page<Invitation>> {
    const { take, skip } = pageParams(query);
    const now = this.clock.now();
    const qb = this.db
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.organization', 'o')
      .where('i.organization_id = :orgId', { orgId });
    if (query.status === 'pending') {
      qb.andWhere("i.status = 'pending' AND i.expires_at > :now", { now });
    } else if (query.status === 'expired') {
      qb.andWhere(
        new Brackets((w) =>
          w.where("i.status = 'expired'").orWhere("i.status = 'pending' AND i.expires_at <= :now", { now }),
        ),
      );
    } else if (query.status) {
      qb.andWhere('i.status = :status', { status: query.status });
    }
    const [rows, total] = await qb
      .orderBy('i.createdAt', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    return page(rows, total, query);
  }

  async get(orgId: string, invitationId: string): Promise<Invitation> {
    const invitation = await this.db
      .getRepository(Invitation)
      .findOne({ where: { id: invitationId, organizationId: orgId }, relations: { organization: true } });
    if (!invitation) throw Problems.notFound('Invitation', invitationId);
    return invitation;
  }

  async revoke(auth: AuthContext, invitationId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const inv = await this.lock(manager, auth.orgId, invitationId);
      if (inv.status === 'revoked') return;
      if (inv.status === 'accepted') {
        throw Problems.conflict('invitation_already_accepted', 'This invitation was already accepted');
      }
      const before = snapshot(inv);
      inv.status = 'revoked';
      await manager.update(Invitation, { id: inv.id }, { status: 'revoked', revokedAt: this.clock.now() });
      await this.cancelEmails(manager, inv.id);
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'invitation.revoked',
        resourceType: 'invitation',
        resourceId: inv.id,
        before,
        after: snapshot(inv),
      });
    });
  }

  /** A new token and a new expiry; the previous link stops working at once. */
  async resend(auth: AuthContext, invitationId: string): Promise<Invitation> {
    const emailId = await this.db.transaction(async (manager) => {
      const inv = await this.lock(manager, auth.orgId, invitationId);
      if (inv.status === 'accepted') {
        throw Problems.conflict('invitation_already_accepted', 'This invitation was already accepted');
      }
      if (inv.status === 'revoked') {
        throw Problems.conflict('invitation_revoked', 'This invitation was revoked; send a new one');
      }
      const before = snapshot(inv);
      const now = this.clock.now();
      inv.status = 'pending';
      inv.expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
      try {
        await manager.update(
          Invitation,
          { id: inv.id },
          { status: 'pending', expiresAt: inv.expiresAt, sentAt: now, tokenHash: null },
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw this.pendingConflict(inv.email);
        throw err;
      }
      await this.cancelEmails(manager, inv.id);
      const emailId = await this.queueEmail(manager, inv);
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'invitation.resent',
        resourceType: 'invitation',
        resourceId: inv.id,
        before,
        after: snapshot(inv),
      });
      return emailId;
    });
    await this.enqueue(emailId);
    return this.get(auth.orgId, invitationId);
  }

  /**
   * Accepts with the token of the link: a signed-in user whose email matches, or (without auth) a new
   * account for the invited email. The invitation row is locked, so two accepts make one membership.
   */
  async accept(auth: AuthContext | undefined, input: AcceptInput): Promise<AcceptedInvitation> {
    if (auth && auth.principal.kind !== 'user') {
      throw Problems.forbidden(
        'API keys cannot accept invitations; sign in as a user',
        'api_key_not_allowed',
      );
    }
    if (!auth) {
      const given: Array<[string, string | undefined]> = [
        ['first_name', input.firstName],
        ['last_name', input.lastName],
        ['password', input.password],
      ];
      const missing = given.filter(([, value]) => !value).map(([field]) => field);
      if (missing.length) {
        throw Problems.validation(
          missing.map((field) => ({
            field,
            message: `${field} is required to create your account (or sign in and send only the token)`,
          })),
        );
      }
    }
    return this.db.transaction(async (manager) => {
      const inv = await manager
        .getRepository(Invitation)
        .createQueryBuilder('i')
        .setLock('pessimistic_write')
        .where('i.token_hash = :hash', { hash: hashToken(input.token) })
        .getOne();
      if (!inv) throw Problems.notFound('Invitation');
      if (inv.status === 'accepted') {
        throw Problems.conflict('invitation_already_used', 'This invitation has already been accepted');
      }
      if (inv.status === 'revoked')
        throw Problems.conflict('invitation_revoked', 'This invitation was revoked');
      if (this.statusOf(inv) === 'expired') {
        throw Problems.gone('invitation_expired', 'This invitation has expired; ask for a new one');
      }
      let user: User;
      let token: TokenResponse | undefined;
      if (auth) {
        user = await manager.findOneByOrFail(User, { id: auth.userId! });
        if (user.email.toLowerCase() !== inv.email) {
          throw Problems.forbidden(
            'This invitation was sent to a different email address',
            'invitation_email_mismatch',
          );
        }
      } else {
        user = await this.identity.createInvitedUser(manager, {
          email: inv.email,
          password: input.password!,
          firstName: input.firstName!,
          lastName: input.lastName!,
        });
      }
      const alreadyMember = await manager.existsBy(Membership, {
        organizationId: inv.organizationId,
        userId: user.id,
      });
      if (alreadyMember)
        throw Problems.conflict('already_member', 'You are already a member of this organization');
      const membership = manager.create(Membership, {
        id: newId('mem'),
        organizationId: inv.organizationId,
        userId: user.id,
        role: inv.role,
      });
      await manager.insert(Membership, membership);
      const before = snapshot(inv);
      inv.status = 'accepted';
      await manager.update(
        Invitation,
        { id: inv.id },
        { status: 'accepted', acceptedAt: this.clock.now(), acceptedByUserId: user.id },
      );
      await this.cancelEmails(manager, inv.id);
      await this.audit.record(
        manager,
        inv.organizationId,
        { type: 'user', id: user.id },
        {
          action: 'invitation.accepted',
          resourceType: 'invitation',
          resourceId: inv.id,
          before,
          after: { ...snapshot(inv), user_id: user.id, membership_id: membership.id },
        },
      );
      if (!auth) token = await this.identity.issueToken(manager, user);
      return {
        invitation: inv,
        organization: await manager.findOneByOrFail(Organization, { id: inv.organizationId }),
        membership: await manager.findOneByOrFail(Membership, { id: membership.id }),
        user,
        token,
      };
    });
  }

  private async lock(manager: EntityManager, orgId: string, invitationId: string): Promise<Invitation> {
    const inv = await manager
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :id AND i.organization_id = :orgId', { id: invitationId, orgId })
      .getOne();
    if (!inv) throw Problems.notFound('Invitation', invitationId);
    return inv;
  }

  private pendingConflict(email: string) {
    return Problems.conflict('invitation_pending', `${email} already has a pending invitation`);
  }

  private async queueEmail(manager: EntityManager, inv: Invitation): Promise<string> {
    const id = newId('msg');
    await manager.insert(OutboundEmail, {
      id,
      organizationId: inv.organizationId,
      recipient: inv.email,
      template: 'invitation',
      invitationId: inv.id,
      status: 'pending',
    });
    return id;
  }

  /** An email not yet sent for an invitation that changed would carry a dead link: drop it. */
  private async cancelEmails(manager: EntityManager, invitationId: string): Promise<void> {
    await manager.update(
      OutboundEmail,
      { invitationId, status: In(['pending']) },
      { status: 'cancelled', lastError: 'superseded' },
    );
  }

  private async enqueue(emailId: string): Promise<void> {
    try {
      await this.producer.enqueueEmail(emailId);
    } catch (err) {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    }
  }
}
