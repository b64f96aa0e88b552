import type { Invitation } from '@csms/domain';
import { toUserView } from '../identity/identity.service';
import { AcceptedInvitation } from './invitations.service';
import { AcceptedInvitationView, InvitationView } from './dto/invitation.dto';

export function toInvitationView(inv: Invitation, status: Invitation['status']): InvitationView {
  return {
    id: inv.id,
    invitation_id: inv.id,
    organization_id: inv.organizationId,
    email: inv.email,
    role: inv.role,
    status,
    expires_at: inv.expiresAt.toISOString(),
    sent_at: inv.sentAt.toISOString(),
    created_at: inv.createdAt.toISOString(),
    accepted_at: inv.acceptedAt?.toISOString() ?? null,
    revoked_at: inv.revokedAt?.toISOString() ?? null,
    invited_by: inv.invitedByUserId ?? inv.invitedByKeyId,
  };
}

export function toAcceptedView(result: AcceptedInvitation): AcceptedInvitationView {
  return {
    organization_id: result.organization.id,
    organization_name: result.organization.name,
    membership_id: result.membership.id,
    role: result.membership.role,
    joined_at: result.membership.createdAt.toISOString(),
    user: toUserView(result.user),
    ...(result.token && {
      token: result.token.token,
      token_type: result.token.token_type,
      expires_at: result.token.expires_at,
    }),
  };
}
