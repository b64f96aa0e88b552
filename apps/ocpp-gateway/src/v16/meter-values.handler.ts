import { Injectable } from '@nestjs/common';
import { MeterValuesService } from '../charging/meter-values.service';
import { SessionsService } from '../charging/sessions.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { samplesOf16 } from '../ocpp/ocpp-mapper';
import type { MeterValuesRequest16 } from './v16.types';

@Injectable()
@OcppAction('ocpp1.6', 'MeterValues')
export class MeterValuesHandler16 implements OcppHandler<MeterValuesRequest16, object> {
  constructor(
    private readonly sessions: SessionsService,
    private readonly meters: MeterValuesService,
  ) {}

  async handle(req: MeterValuesRequest16, ctx: OcppCallContext): Promise<object> {
    const samples = samplesOf16(req.meterValue);
    const transactionId = req.transactionId === undefined ? null : String(req.transactionId);
    const sessionId = transactionId
      ? await this.sessions.sessionIdOfTransaction(ctx.connection, transactionId)
      : null;
    const whole = req.connectorId === 0;
    await this.meters.storeAndRecompute(ctx.connection, samples, {
      sessionId,
      transactionId,
      evseNumber: whole ? null : req.connectorId,
      connectorNumber: whole ? null : 1,
    });
    return {};
  }
}
