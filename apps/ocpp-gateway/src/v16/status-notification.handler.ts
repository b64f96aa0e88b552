import { Injectable } from '@nestjs/common';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { StatusNotificationRequest16 } from './v16.types';

/** connectorId 0 is the charger as a whole; connector N is EVSE N with one connector. */
@Injectable()
@OcppAction('ocpp1.6', 'StatusNotification')
export class StatusNotificationHandler16 implements OcppHandler<StatusNotificationRequest16, object> {
  constructor(private readonly state: ChargePointStateService) {}

  async handle(req: StatusNotificationRequest16, ctx: OcppCallContext): Promise<object> {
    const whole = req.connectorId === 0;
    await this.state.status(ctx.connection, {
      evseNumber: whole ? null : req.connectorId,
      connectorNumber: whole ? null : 1,
      status: req.status,
      errorCode: req.errorCode,
      info: req.info ?? null,
      vendorErrorCode: req.vendorErrorCode ?? null,
      timestamp: req.timestamp ? new Date(req.timestamp) : ctx.receivedAt,
    });
    return {};
  }
}
