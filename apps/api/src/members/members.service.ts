import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQueryDto, Problems, page, pageParams } from '@csms/common';
import { Membership, Role, User } from '@csms/domain';
import { AuthContext } from '@csms/auth';
import { AuditService } from '../audit/audit.service';

/** A member as both API surfaces need it: the membership with its user. */
export interface Member {
  membership: Membership;
  user: User;
}

/** How a caller names a member: by user id (/api/v1) or by membership id (/v1). */
export type MemberRef = { userId: string } | { membershipId: string };

function describeRef(ref: MemberRef): string {
  return 'userId' in ref ? ref.userId : ref.membershipId;
}

/**
 * Members of the caller's organization: listing, role changes (including the ownership transfer) and
 * removal. There is always exactly one owner: the owner cannot be removed or demoted except by handing
 * the role to someone else, which demotes them to admin in the same transaction.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(orgId: string, query: PageQueryDto): Promise<Page<Member>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.user', 'u')
      .where('m.organization_id = :orgId', { orgId })
      .orderBy('m.createdAt', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    return page(
      rows.map((m) => ({ membership: m, user: m.user! })),
      total,
      query,
    );
  }

  async get(orgId: string, ref: MemberRef): Promise<Member> {
    const membership = await this.find(this.db.manager, orgId, ref, false);
    return { membership, user: membership.user! };
  }

  async changeRole(auth: AuthContext, ref: MemberRef, role: Role): Promise<Member> {
    const orgId = auth.orgId;
    await this.db.transaction(async (manager) => {
      const target = await this.find(manager, orgId, ref, true);
      if (role === 'owner') return this.transferOwnership(manager, auth, target);
      if (target.role === 'owner') {
        throw Problems.conflict(
          'owner_role_locked',
          "The owner's role cannot be changed; the owner transfers ownership by giving another member the owner role",
        );
      }
      if (target.role === role) return;
      await manager.update(Membership, { id: target.id }, { role });
      await this.audit.record(manager, orgId, auth.actor, {
        action: 'member.role_changed',
        resourceType: 'member',
        resourceId: target.userId,
        before: { role: target.role },
        after: { role },
      });
    });
    return this.get(orgId, ref);
  }

  private async transferOwnership(
    manager: EntityManager,
    auth: AuthContext,
    target: Membership,
  ): Promise<void> {
    if (!auth.can('members.transfer_ownership') || !auth.userId) {
      throw Problems.forbidden('Only the owner can give the owner role', 'ownership_transfer_forbidden');
    }
    if (target.userId === auth.userId && target.role === 'owner') return;
    // Lock the caller's own membership: of two transfers at once, the second sees it is no longer owner.
    const current = await manager
      .getRepository(Membership)
      .createQueryBuilder('m')
      .setLock('pessimistic_write')
      .where('m.organization_id = :orgId AND m.user_id = :userId', { orgId: auth.orgId, userId: auth.userId })
      .getOne();
    if (!current || current.role !== 'owner') {
      throw Problems.conflict('not_owner', 'You are no longer the owner of this organization');
    }
    await manager.update(Membership, { id: current.id }, { role: 'admin' });
    await manager.update(Membership, { id: target.id }, { role: 'owner' });
    await this.audit.record(manager, auth.orgId, auth.actor, {
      action: 'organization.ownership_transferred',
      resourceType: 'member',
      resourceId: target.userId,
      before: { owner_user_id: current.userId, new_owner_previous_role: target.role },
      after: { owner_user_id: target.userId, previous_owner_role: 'admin' },
    });
  }

  async remove(auth: AuthContext, ref: MemberRef): Promise<void> {
    await this.db.transaction(async (manager) => {
      const target = await this.find(manager, auth.orgId, ref, true);
      if (target.role === 'owner') {
        throw Problems.conflict(
          'owner_cannot_be_removed',
          'The owner cannot be removed; transfer ownership to another member first',
        );
      }
      await manager.delete(Membership, { id: target.id });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'member.removed',
        resourceType: 'member',
        resourceId: target.userId,
        before: { user_id: target.userId, email: target.user!.email, role: target.role },
        after: null,
      });
    });
  }

  private async find(
    manager: EntityManager,
    orgId: string,
    ref: MemberRef,
    lock: boolean,
  ): Promise<Membership> {
    const qb = manager
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.user', 'u')
      .where('m.organization_id = :orgId', { orgId });
    if ('userId' in ref) qb.andWhere('m.user_id = :userId', { userId: ref.userId });
    else qb.andWhere('m.id = :id', { id: ref.membershipId });
    if (lock) qb.setLock('pessimistic_write', undefined, ['m']);
    const membership = await qb.getOne();
    if (!membership) throw Problems.notFound('Member', describeRef(ref));
    return membership;
  }
}
