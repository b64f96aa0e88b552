import { redactUrl } from './redact';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/site-owner/accept-invitation/abc.def-123', '/api/v1/site-owner/accept-invitation/[REDACTED]'],
    [
      '/api/v1/organizations/invitations/accept/tok123?x=1',
      '/api/v1/organizations/invitations/accept/[REDACTED]?x=1',
    ],
    ['/accept?token=secret&page=2', '/accept?token=[REDACTED]&page=2'],
    ['/x/csms_sk_AbCdEfGhIjKlMnOp/y', '/x/[REDACTED]/y'],
    ['/api/v1/charge-points?limit=10', '/api/v1/charge-points?limit=10'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
