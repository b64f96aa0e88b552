import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Clock, Page, PageQueryDto, Problems, newId, page, pageParams } from '@csms/common';
import {
  Membership,
  OutboundEmail,
  Project,
  SiteOwner,
  SiteOwnerDocument,
  SiteOwnerInvitation,
  User,
} from '@csms/domain';
import { AuthContext, AuthenticationService, hashToken } from '@csms/auth';
import { NotificationsProducer } from '@csms/queues';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { INVITATION_TTL_MS } from '../invitations/invitations.service';
import { ProjectsService } from '../projects/projects.service';
import {
  AcceptedSiteOwnerInvitationView,
  InviteSiteOwnerDto,
  SiteOwnerInvitationView,
} from './dto/site-owner.dto';
import { toSiteOwnerInvitationView, toSiteOwnerProjectView, toSiteOwnerView } from './site-owner.views';

export interface AcceptSiteOwnerInput {
  token: string;
  firstName?: string;
  lastName?: string;
  password?: string;
}

/**
 * Invitations to host projects. Same rules as member invitations: the email is an outbox row written
 * with the invitation, the token is minted when it is sent and stored only hashed; single use; 7 days.
 */
@Injectable()
export class SiteOwnerInvitationsService {
  private readonly logger = new Logger(SiteOwnerInvitationsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
    private readonly projects: ProjectsService,
    private readonly producer: NotificationsProducer,
    private readonly authentication: AuthenticationService,
  ) {}

  async invite(auth: AuthContext, dto: InviteSiteOwnerDto): Promise<SiteOwnerInvitationView> {
    const orgId = auth.orgId;
    const email = dto.email.trim().toLowerCase();
    const now = this.clock.now();
    const { invitation, emailId } = await this.db.transaction(async (manager) => {
      const projects = await manager
        .getRepository(Project)
        .findBy({ id: In(dto.project_ids), organizationId: orgId });
      const missing = dto.project_ids.find((id) => !projects.some((p) => p.id === id));
      if (missing) throw Problems.notFound('Project', missing);
      const hostedIds = projects.filter((p) => p.siteOwnerId).map((p) => p.siteOwnerId!);
      if (hostedIds.length) {
        const hosts = await manager
          .getRepository(SiteOwner)
          .createQueryBuilder('so')
          .innerJoinAndSelect('so.user', 'u')
          .where('so.id IN (:...ids)', { ids: hostedIds })
          .getMany();
        const other = projects.find((p) => {
          const host = hosts.find((h) => h.id === p.siteOwnerId);
          return host && host.user!.email.toLowerCase() !== email;
        });
        if (other) {
          throw Problems.conflict(
            'project_has_site_owner',
            `Project ${other.id} is already hosted by another site owner`,
          );
        }
      }
      const invitation = manager.create(SiteOwnerInvitation, {
        id: newId('inv'),
        organizationId: orgId,
        email,
        companyName: dto.company_name ?? null,
        projectIds: dto.project_ids,
        status: 'pending',
        tokenHash: null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        invitedByUserId: auth.userId,
        invitedByKeyId: auth.principal.kind === 'api_key' ? auth.principal.keyId : null,
      });
      await manager.insert(SiteOwnerInvitation, invitation);
      const emailId = newId('msg');
      await manager.insert(OutboundEmail, {
        id: emailId,
        organizationId: orgId,
        recipient: email,
        template: 'site_owner_invitation',
        siteOwnerInvitationId: invitation.id,
        status: 'pending',
      });
      await this.audit.record(manager, orgId, auth.actor, {
        action: 'site_owner_invitation.created',
        resourceType: 'site_owner_invitation',
        resourceId: invitation.id,
        after: { email, project_ids: dto.project_ids, company_name: invitation.companyName },
      });
      return { invitation, emailId };
    });
    await this.enqueue(emailId);
    const saved = await this.db.getRepository(SiteOwnerInvitation).findOneByOrFail({ id: invitation.id });
    return toSiteOwnerInvitationView(saved, this.clock.nowMs());
  }

  async list(auth: AuthContext, query: PageQueryDto): Promise<Page<SiteOwnerInvitationView>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(SiteOwnerInvitation).findAndCount({
      where: { organizationId: auth.orgId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    const now = this.clock.nowMs();
    return page(
      rows.map((r) => toSiteOwnerInvitationView(r, now)),
      total,
      query,
    );
  }

  /** The link stops working at once; an unsent email for it is dropped. */
  async revoke(auth: AuthContext, invitationId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const inv = await manager
        .getRepository(SiteOwnerInvitation)
        .createQueryBuilder('i')
        .setLock('pessimistic_write')
        .where('i.id = :id AND i.organization_id = :org', { id: invitationId, org: auth.orgId })
        .getOne();
      if (!inv) throw Problems.notFound('Invitation', invitationId);
      if (inv.status === 'revoked') return;
      if (inv.status === 'accepted') {
        throw Problems.conflict('invitation_already_accepted', 'This invitation was already accepted');
      }
      await manager.update(SiteOwnerInvitation, { id: inv.id }, { status: 'revoked' });
      await manager.update(
        OutboundEmail,
        { siteOwnerInvitationId: inv.id, status: 'pending' },
        { status: 'cancelled', lastError: 'superseded' },
      );
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'site_owner_invitation.revoked',
        resourceType: 'site_owner_invitation',
        resourceId: inv.id,
        before: { status: inv.status },
        after: { status: 'revoked' },
      });
    });
  }

  /**
   * Signed in (same email, not an operator account) the caller's user becomes the site owner; without
   * auth a site-owner account is created. Either way the invited projects are given to this site owner.
   */
  async accept(
    auth: AuthContext | undefined,
    input: AcceptSiteOwnerInput,
  ): Promise<AcceptedSiteOwnerInvitationView> {
    if (auth && auth.principal.kind !== 'user') {
      throw Problems.forbidden(
        'API keys cannot accept invitations; sign in as a user',
        'api_key_not_allowed',
      );
    }
    if (!auth) {
      const missing = (
        [
          ['first_name', input.firstName],
          ['last_name', input.lastName],
          ['password', input.password],
        ] as const
      )
        .filter(([, value]) => !value)
        .map(([field]) => field);
      if (missing.length) {
        throw Problems.validation(
          missing.map((field) => ({
            field,
            message: `${field} is required to create your account (or sign in and send no body)`,
          })),
        );
      }
    }
    const accepted = await this.db.transaction(async (manager) => {
      const inv = await manager
        .getRepository(SiteOwnerInvitation)
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
      if (inv.expiresAt.getTime() <= this.clock.nowMs()) {
        throw Problems.gone('invitation_expired', 'This invitation has expired; ask for a new one');
      }
      let user: User;
      if (auth) {
        user = await manager.findOneByOrFail(User, { id: auth.userId! });
        if (user.email.toLowerCase() !== inv.email) {
          throw Problems.forbidden(
            'This invitation was sent to a different email address',
            'invitation_email_mismatch',
          );
        }
        if (user.kind !== 'site_owner') {
          const member = await manager.existsBy(Membership, { userId: user.id });
          if (member || user.kind !== 'staff') {
            throw Problems.conflict(
              'account_not_site_owner',
              'This account is used for another role; accept with a separate account for this email',
            );
          }
          await manager.update(User, { id: user.id }, { kind: 'site_owner' });
          user.kind = 'site_owner';
        }
      } else {
        user = await this.identity.createInvitedUser(manager, {
          email: inv.email,
          password: input.password!,
          firstName: input.firstName!,
          lastName: input.lastName!,
          kind: 'site_owner',
        });
      }
      let owner = await manager.findOneBy(SiteOwner, { userId: user.id });
      if (owner && owner.organizationId !== inv.organizationId) {
        throw Problems.conflict(
          'site_owner_elsewhere',
          'This account is already the site owner of another organization; accept with a separate account',
        );
      }
      if (!owner) {
        owner = manager.create(SiteOwner, {
          id: newId('so'),
          organizationId: inv.organizationId,
          userId: user.id,
          status: 'onboarding',
          companyName: inv.companyName,
          invitedByUserId: inv.invitedByUserId,
        });
        await manager.insert(SiteOwner, owner);
      }
      // Projects reassigned to someone else since the invitation was sent are not taken over.
      await manager
        .createQueryBuilder()
        .update(Project)
        .set({ siteOwnerId: owner.id })
        .where(
          'id IN (:...ids) AND organization_id = :org AND (site_owner_id IS NULL OR site_owner_id = :so)',
          {
            ids: inv.projectIds,
            org: inv.organizationId,
            so: owner.id,
          },
        )
        .execute();
      await manager.update(
        SiteOwnerInvitation,
        { id: inv.id },
        { status: 'accepted', acceptedAt: this.clock.now(), siteOwnerId: owner.id },
      );
      await manager.update(
        OutboundEmail,
        { siteOwnerInvitationId: inv.id, status: 'pending' },
        { status: 'cancelled', lastError: 'superseded' },
      );
      await this.audit.record(
        manager,
        inv.organizationId,
        { type: 'user', id: user.id },
        {
          action: 'site_owner_invitation.accepted',
          resourceType: 'site_owner_invitation',
          resourceId: inv.id,
          after: { site_owner_id: owner.id, user_id: user.id, project_ids: inv.projectIds },
        },
      );
      const token = auth ? undefined : await this.identity.issueToken(manager, user);
      const saved = await manager.findOneByOrFail(SiteOwner, { id: owner.id });
      const projects = await manager
        .getRepository(Project)
        .find({ where: { siteOwnerId: owner.id }, order: { createdAt: 'ASC' } });
      const counts = await this.projects.chargePointCounts(
        projects.map((p) => p.id),
        manager,
      );
      return {
        site_owner: toSiteOwnerView(
          saved,
          user,
          await manager.countBy(SiteOwnerDocument, { siteOwnerId: owner.id }),
        ),
        projects: projects.map((p) => toSiteOwnerProjectView(p, counts.get(p.id) ?? 0)),
        ...(token && { token }),
      };
    });
    // A signed-in account may just have become a site owner: its tokens now carry another kind.
    if (auth?.userId) await this.authentication.revoked(auth.userId);
    return accepted;
  }

  private async enqueue(emailId: string): Promise<void> {
    try {
      await this.producer.enqueueEmail(emailId);
    } catch (err) {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    }
  }
}
