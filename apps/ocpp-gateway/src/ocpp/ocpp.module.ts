import { Module } from '@nestjs/common';
import { AuthorizationService } from '../charging/authorization.service';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { ChargerReportsService } from '../charging/charger-reports.service';
import { MeterValuesService } from '../charging/meter-values.service';
import { SessionsService } from '../charging/sessions.service';
import { V16_HANDLERS } from '../v16';
import { V201_HANDLERS } from '../v201';
import { ConnectionsService } from './connections.service';
import { GatewayControlListener } from './gateway-control.listener';
import { MessageLogService } from './message-log.service';
import { NodeHeartbeatService } from './node-heartbeat.service';
import { OcppServerService } from './ocpp-server.service';

/**
 * The OCPP side of a gateway node. Exports ConnectionsService (the live RPC clients by charge point)
 * and MessageLogService for the command worker.
 */
@Module({
  providers: [
    ConnectionsService,
    GatewayControlListener,
    MessageLogService,
    NodeHeartbeatService,
    OcppServerService,
    ChargePointStateService,
    AuthorizationService,
    SessionsService,
    MeterValuesService,
    ChargerReportsService,
    ...V16_HANDLERS,
    ...V201_HANDLERS,
  ],
  exports: [ConnectionsService, MessageLogService, NodeHeartbeatService],
})
export class OcppModule {}
