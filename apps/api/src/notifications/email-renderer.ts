import type { Invitation, Organization } from '@csms/domain';
import type { MailMessage } from './mailer.service';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}

export function renderInvitationEmail(
  invitation: Invitation,
  organization: Organization,
  link: string,
): MailMessage {
  const expires = invitation.expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const subject = `You are invited to join ${organization.name}`;
  const text = [
    `You have been invited to join ${organization.name} as ${invitation.role}.`,
    '',
    `Accept the invitation: ${link}`,
    '',
    `The link can be used once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this email.',
  ].join('\n');
  const html =
    `<p>You have been invited to join <strong>${escapeHtml(organization.name)}</strong> as ` +
    `${escapeHtml(invitation.role)}.</p><p><a href="${escapeHtml(link)}">Accept the invitation</a></p>` +
    `<p>The link can be used once and expires on ${expires}.</p>`;
  return { to: invitation.email, subject, text, html };
}
