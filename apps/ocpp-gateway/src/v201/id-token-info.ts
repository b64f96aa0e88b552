import type { Authorization } from '../charging/authorization.service';
import type { IdTokenInfo201 } from './v201.types';

export function idTokenInfo(authorization: Authorization): IdTokenInfo201 {
  return {
    status: authorization.status,
    ...(authorization.expiresAt ? { cacheExpiryDateTime: authorization.expiresAt.toISOString() } : {}),
  };
}
