import { AuthorizeHandler16 } from './authorize.handler';
import { BootNotificationHandler16 } from './boot-notification.handler';
import { DataTransferHandler16 } from './data-transfer.handler';
import { DiagnosticsStatusNotificationHandler16 } from './diagnostics-status-notification.handler';
import { FirmwareStatusNotificationHandler16 } from './firmware-status-notification.handler';
import { HeartbeatHandler16 } from './heartbeat.handler';
import { MeterValuesHandler16 } from './meter-values.handler';
import { StartTransactionHandler16 } from './start-transaction.handler';
import { StatusNotificationHandler16 } from './status-notification.handler';
import { StopTransactionHandler16 } from './stop-transaction.handler';

/** Every charger-initiated OCPP 1.6 action the gateway answers. */
export const V16_HANDLERS = [
  BootNotificationHandler16,
  HeartbeatHandler16,
  StatusNotificationHandler16,
  AuthorizeHandler16,
  StartTransactionHandler16,
  MeterValuesHandler16,
  StopTransactionHandler16,
  DataTransferHandler16,
  DiagnosticsStatusNotificationHandler16,
  FirmwareStatusNotificationHandler16,
];
