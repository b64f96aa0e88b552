import { Injectable } from '@nestjs/common';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { StatusNotificationRequest201 } from './v201.types';

@Injectable()
@OcppAction('ocpp2.0.1', 'StatusNotification')
export class StatusNotificationHandler201 implements OcppHandler<StatusNotificationRequest201, object> {
  constructor(private readonly state: ChargePointStateService) {}

  async handle(req: StatusNotificationRequest201, ctx: OcppCallContext): Promise<object> {
    const whole = req.evseId === 0;
    await this.state.status(ctx.connection, {
      evseNumber: whole ? null : req.evseId,
      connectorNumber: whole ? null : req.connectorId,
      status: req.connectorStatus,
      errorCode: null,
      info: null,
      vendorErrorCode: null,
      timestamp: new Date(req.timestamp),
    });
    return {};
  }
}
