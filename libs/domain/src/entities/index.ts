import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { ChargePoint } from './charge-point.entity';
import { Invitation } from './invitation.entity';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { OutboundEmail } from './outbound-email.entity';
import { User } from './user.entity';
import { UserToken } from './user-token.entity';

export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './charge-point.entity';
export * from './invitation.entity';
export * from './membership.entity';
export * from './organization.entity';
export * from './outbound-email.entity';
export * from './user.entity';
export * from './user-token.entity';

export const ENTITIES = [
  User,
  Organization,
  Membership,
  ApiKey,
  UserToken,
  ChargePoint,
  Invitation,
  OutboundEmail,
  AuditEntry,
];
