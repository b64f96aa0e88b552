import { AuthorizeHandler201 } from './authorize.handler';
import { BootNotificationHandler201 } from './boot-notification.handler';
import { FirmwareStatusNotificationHandler201 } from './firmware-status-notification.handler';
import { HeartbeatHandler201 } from './heartbeat.handler';
import { LogStatusNotificationHandler201 } from './log-status-notification.handler';
import { MeterValuesHandler201 } from './meter-values.handler';
import { NotifyEventHandler201 } from './notify-event.handler';
import { NotifyReportHandler201 } from './notify-report.handler';
import { ReservationStatusUpdateHandler201 } from './reservation-status-update.handler';
import { SecurityEventNotificationHandler201 } from './security-event-notification.handler';
import { StatusNotificationHandler201 } from './status-notification.handler';
import { TransactionEventHandler201 } from './transaction-event.handler';

/** Every charger-initiated OCPP 2.0.1 action the gateway answers. */
export const V201_HANDLERS = [
  BootNotificationHandler201,
  HeartbeatHandler201,
  StatusNotificationHandler201,
  AuthorizeHandler201,
  TransactionEventHandler201,
  MeterValuesHandler201,
  NotifyEventHandler201,
  SecurityEventNotificationHandler201,
  FirmwareStatusNotificationHandler201,
  LogStatusNotificationHandler201,
  NotifyReportHandler201,
  ReservationStatusUpdateHandler201,
];
