import type { Authorization } from '../charging/authorization.service';
import type { IdTagInfo16 } from './v16.types';

export function idTagInfo(authorization: Authorization): IdTagInfo16 {
  return {
    status: authorization.status,
    ...(authorization.expiresAt ? { expiryDate: authorization.expiresAt.toISOString() } : {}),
  };
}
