import type { Dispute, Driver, Invitation, Organization, SiteOwner, SiteOwnerInvitation } from '@csms/domain';
import { formatMinor } from '../tariffs/pricing';
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

/** The token sits in the path, as the API documents it; request logs redact it. */
export function siteOwnerInvitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/api/v1/site-owner/accept-invitation/${encodeURIComponent(token)}`;
}

export function renderSiteOwnerInvitationEmail(
  invitation: SiteOwnerInvitation,
  organization: Organization,
  link: string,
): MailMessage {
  const expires = invitation.expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const sites =
    invitation.projectIds.length === 1 ? 'a charging site' : `${invitation.projectIds.length} charging sites`;
  const subject = `${organization.name} invites you to host ${sites}`;
  const text = [
    `${organization.name} invites you to join its network as the site owner of ${sites}.`,
    '',
    `Accept the invitation and start your onboarding: ${link}`,
    '',
    `The link can be used once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this email.',
  ].join('\n');
  const html =
    `<p><strong>${escapeHtml(organization.name)}</strong> invites you to join its network as the site owner of ` +
    `${escapeHtml(sites)}.</p><p><a href="${escapeHtml(link)}">Accept the invitation</a></p>` +
    `<p>The link can be used once and expires on ${expires}.</p>`;
  return { to: invitation.email, subject, text, html };
}

export function renderSiteOwnerSubmittedEmail(
  to: string,
  owner: SiteOwner,
  organization: Organization,
  publicUrl: string,
): MailMessage {
  const who = owner.companyName ?? owner.user?.email ?? owner.id;
  const url = `${publicUrl}/api/v1/organizations/${organization.id}/site-owners/${owner.id}`;
  const subject = `Site owner ${who} completed onboarding: approval needed`;
  const text = [
    `${who} (${owner.user?.email ?? 'site owner'}) has submitted their onboarding to ${organization.name}.`,
    '',
    `Review their details and documents, then approve or reject: ${url}`,
  ].join('\n');
  const html =
    `<p>${escapeHtml(who)} has submitted their onboarding to <strong>${escapeHtml(organization.name)}</strong>.</p>` +
    `<p>Review their details and documents, then approve or reject: <code>${escapeHtml(url)}</code></p>`;
  return { to, subject, text, html };
}

export function driverInvitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/drivers/accept?token=${encodeURIComponent(token)}`;
}

export function renderDriverInvitationEmail(
  driver: Driver,
  organization: Organization,
  link: string,
): MailMessage {
  const expires = driver.invitationExpiresAt!.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const subject = `Your ${organization.name} charging account`;
  const text = [
    `Hello ${driver.firstName},`,
    '',
    `${organization.name} created a charging account for you. Set your password to see your sessions and receipts:`,
    link,
    '',
    `The link can be used once and expires on ${expires}.`,
  ].join('\n');
  const html =
    `<p>Hello ${escapeHtml(driver.firstName)},</p><p>${escapeHtml(organization.name)} created a charging ` +
    `account for you.</p><p><a href="${escapeHtml(link)}">Set your password</a></p>` +
    `<p>The link can be used once and expires on ${expires}.</p>`;
  return { to: driver.email, subject, text, html };
}

export function renderDisputeResolvedEmail(
  to: string,
  dispute: Dispute,
  organization: Organization,
): MailMessage {
  const outcome = dispute.status === 'accepted' ? 'accepted' : 'rejected';
  const refund =
    dispute.refundAmountMinor !== null
      ? `Refund: ${formatMinor(dispute.refundAmountMinor, dispute.currency)} ${dispute.currency}`
      : null;
  const subject = `Your billing dispute ${dispute.id} was ${outcome}`;
  const lines = [
    `${organization.name} reviewed your dispute of session ${dispute.sessionId}.`,
    `Outcome: ${outcome}`,
    ...(refund ? [refund] : []),
    ...(dispute.resolutionNote ? ['', dispute.resolutionNote] : []),
  ];
  const html = lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
  return { to, subject, text: lines.join('\n'), html };
}
