import { ApiKey } from './api-key.entity';
import { ChargePoint } from './charge-point.entity';
import { Command } from './command.entity';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';
import { UserToken } from './user-token.entity';

export * from './api-key.entity';
export * from './charge-point.entity';
export * from './command.entity';
export * from './membership.entity';
export * from './organization.entity';
export * from './user.entity';
export * from './user-token.entity';

export const ENTITIES = [User, Organization, Membership, ApiKey, UserToken, ChargePoint, Command];
