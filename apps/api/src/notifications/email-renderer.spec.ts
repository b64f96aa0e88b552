import type { Invitation, Organization } from '@csms/domain';
import { invitationLink, renderInvitationEmail } from './email-renderer';

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
