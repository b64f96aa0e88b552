/** Header and body paths that never reach the log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.key',
  '*.secret',
  '*.new_password',
  '*.current_password',
];

const PATH_TOKEN =
  /(\/(?:accept-invitation|invitations\/accept|reset-password|verify-email|set-password)\/)[^/?#]+/gi;
const QUERY_TOKEN = /([?&](?:token|key|api_key|password|access_token)=)[^&#]*/gi;
const OUR_TOKENS = /csms_[a-z]{2,4}_[A-Za-z0-9_-]{8,}/g;

/** Removes secrets that travel in URLs: tokens in path segments, in query strings, or anywhere in our format. */
export function redactUrl(url: string): string {
  return url
    .replace(PATH_TOKEN, '$1[REDACTED]')
    .replace(QUERY_TOKEN, '$1[REDACTED]')
    .replace(OUR_TOKENS, '[REDACTED]');
}
