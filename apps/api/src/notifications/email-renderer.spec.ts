import type { Invitation, Organization, SiteOwner, SiteOwnerInvitation } from '@csms/domain';
import {
  invitationLink,
  renderInvitationEmail,
  renderSiteOwnerInvitationEmail,
  renderSiteOwnerSubmittedEmail,
  siteOwnerInvitationLink,
} from './email-renderer';

describe('invitation email', () => {
  const invitation = {
    email: 'jane@example.com',
    role: 'admin',
    expiresAt: new Date('2026-05-08T09:00:00Z'),
  } as Invitation;
  const organization = { name: 'Acme <Fleet> & Co' } as Organization;

  it('carries the acceptance link on PUBLIC_URL in both parts, with the organization name escaped in HTML', () => {
    const link = invitationLink('https://csms.example.com', 'csms_inv_abc-_123');
    expect(link).toBe('https://csms.example.com/invitations/accept?token=csms_inv_abc-_123');
    const mail = renderInvitationEmail(invitation, organization, link);
    expect(mail.to).toBe('jane@example.com');
    expect(mail.subject).toBe('You are invited to join Acme <Fleet> & Co');
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('2026-05-08 09:00 UTC');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain('Acme &lt;Fleet&gt; &amp; Co');
  });
});

describe('site owner emails', () => {
  const organization = { id: 'org_1', name: 'Acme <Fleet> & Co' } as Organization;

  it('puts the token in the path of the acceptance link', () => {
    const link = siteOwnerInvitationLink('https://csms.example.com', 'csms_inv_abc-_123');
    expect(link).toBe('https://csms.example.com/api/v1/site-owner/accept-invitation/csms_inv_abc-_123');
    const invitation = {
      email: 'host@example.com',
      projectIds: ['proj_a', 'proj_b'],
      expiresAt: new Date('2026-05-08T09:00:00Z'),
    } as SiteOwnerInvitation;
    const mail = renderSiteOwnerInvitationEmail(invitation, organization, link);
    expect(mail.to).toBe('host@example.com');
    expect(mail.subject).toBe('Acme <Fleet> & Co invites you to host 2 charging sites');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('Acme &lt;Fleet&gt; &amp; Co');
  });

  it('tells the operator where to review a submitted onboarding', () => {
    const owner = { id: 'so_1', companyName: 'Host Ltd', user: { email: 'host@example.com' } } as SiteOwner;
    const mail = renderSiteOwnerSubmittedEmail(
      'ops@example.com',
      owner,
      organization,
      'https://csms.example.com',
    );
    expect(mail.to).toBe('ops@example.com');
    expect(mail.subject).toContain('Host Ltd');
    expect(mail.text).toContain('https://csms.example.com/api/v1/organizations/org_1/site-owners/so_1');
  });
});
