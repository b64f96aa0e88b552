import type { Invitation, InvitationStatus, Role } from '@csms/domain';
import type { PageQueryDto } from '@csms/common';
import type { Member } from '../members/members.service';
import {
  ManagementInvitation,
  ManagementMember,
  ManagementPageQueryDto,
  ManagementRole,
} from './dto/management.dto';

const TO_MANAGEMENT: Record<Role, ManagementRole> = {
  owner: 'ADMIN',
  admin: 'ADMIN',
  operator: 'OPERATOR',
  member: 'USER',
  billing: 'VIEWER',
  viewer: 'VIEWER',
};

const FROM_MANAGEMENT: Record<ManagementRole, Role> = {
  ADMIN: 'admin',
  USER: 'member',
  OPERATOR: 'operator',
  VIEWER: 'viewer',
};

export const toManagementRole = (role: Role): ManagementRole => TO_MANAGEMENT[role];
export const fromManagementRole = (role: ManagementRole): Role => FROM_MANAGEMENT[role];

/** page/perPage onto the service layer's limit/offset. */
export function toPageQuery(query: ManagementPageQueryDto): PageQueryDto & { page: number; perPage: number } {
  const page = query.page ?? 1;
  const perPage = query.perPage ?? 20;
  return { limit: perPage, offset: (page - 1) * perPage, page, perPage };
}

export function toManagementMember({ membership, user }: Member): ManagementMember {
  return {
    id: membership.id,
    role: toManagementRole(membership.role),
    nativeRole: membership.role,
    organizationId: membership.organizationId,
    owner: membership.role === 'owner',
    userId: user.id,
    userProfile: { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email },
    createdAt: membership.createdAt.toISOString(),
    updatedAt: membership.updatedAt.toISOString(),
  };
}

export function toManagementInvitation(inv: Invitation, status: InvitationStatus): ManagementInvitation {
  return {
    id: inv.id,
    email: inv.email,
    status: status.toUpperCase(),
    role: toManagementRole(inv.role),
    nativeRole: inv.role,
    organizationId: inv.organizationId,
    organizationName: inv.organization?.name ?? '',
    sentAt: inv.sentAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
    createdAt: inv.createdAt.toISOString(),
    updatedAt: inv.updatedAt.toISOString(),
  };
}
