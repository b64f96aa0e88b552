import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { ChargePointEvent } from './charge-point-event.entity';
import { ChargePoint } from './charge-point.entity';
import { ChargingSession } from './charging-session.entity';
import { Connector } from './connector.entity';
import { Dispute } from './dispute.entity';
import { Driver } from './driver.entity';
import { Evse } from './evse.entity';
import { IdTag } from './id-tag.entity';
import { Invitation } from './invitation.entity';
import { Command } from './command.entity';
import { Membership } from './membership.entity';
import { MeterValueLayout } from './meter-value-layout.entity';
import { MeterValueSet } from './meter-value-set.entity';
import { OcppMessage } from './ocpp-message.entity';
import { Organization } from './organization.entity';
import { OutboundEmail } from './outbound-email.entity';
import { Project } from './project.entity';
import { Reservation } from './reservation.entity';
import { SiteOwnerDocument } from './site-owner-document.entity';
import { SiteOwnerInvitation } from './site-owner-invitation.entity';
import { SiteOwner } from './site-owner.entity';
import { Tariff } from './tariff.entity';
import { StatusHistoryEntry } from './status-history.entity';
import { TransactionEventRecord } from './transaction-event.entity';
import { UserToken } from './user-token.entity';
import { User } from './user.entity';
import { GatewayNode } from './gateway-node.entity';
import { ChargerConnection } from './charger-connection.entity';
import { ExpiringCounter } from './expiring-counter.entity';
import { Lease } from './lease.entity';

export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './charge-point-event.entity';
export * from './charge-point.entity';
export * from './charging-session.entity';
export * from './connector.entity';
export * from './dispute.entity';
export * from './driver.entity';
export * from './tariff.entity';
export * from './evse.entity';
export * from './id-tag.entity';
export * from './invitation.entity';
export * from './command.entity';
export * from './membership.entity';
export * from './meter-value-layout.entity';
export * from './meter-value-set.entity';
export * from './ocpp-message.entity';
export * from './organization.entity';
export * from './outbound-email.entity';
export * from './project.entity';
export * from './reservation.entity';
export * from './site-owner-document.entity';
export * from './site-owner-invitation.entity';
export * from './site-owner.entity';
export * from './status-history.entity';
export * from './transaction-event.entity';
export * from './user-token.entity';
export * from './user.entity';
export * from './gateway-node.entity';
export * from './charger-connection.entity';
export * from './expiring-counter.entity';
export * from './lease.entity';

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
  Evse,
  Connector,
  StatusHistoryEntry,
  IdTag,
  ChargingSession,
  MeterValueSet,
  MeterValueLayout,
  TransactionEventRecord,
  ChargePointEvent,
  OcppMessage,
  Command,
  Reservation,
  GatewayNode,
  ChargerConnection,
  ExpiringCounter,
  Lease,
  Project,
  SiteOwner,
  SiteOwnerInvitation,
  SiteOwnerDocument,
  Tariff,
  Driver,
  Dispute,
];
