import { Injectable } from '@nestjs/common';
import { MeterValuesService } from '../charging/meter-values.service';
import { SessionsService } from '../charging/sessions.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { samplesOf201 } from '../ocpp/ocpp-mapper';
import type { MeterValuesRequest201 } from './v201.types';

/** 2.0.1 MeterValues carry no transaction: they belong to the open session on the EVSE, if any. */
@Injectable()
@OcppAction('ocpp2.0.1', 'MeterValues')
export class MeterValuesHandler201 implements OcppHandler<MeterValuesRequest201, object> {
  constructor(
    private readonly sessions: SessionsService,
    private readonly meters: MeterValuesService,
  ) {}

  async handle(req: MeterValuesRequest201, ctx: OcppCallContext): Promise<object> {
    const samples = samplesOf201(req.meterValue);
    const session =
      req.evseId > 0 ? await this.sessions.activeSessionOnEvse(ctx.connection, req.evseId) : null;
    await this.meters.storeAndRecompute(ctx.connection, samples, {
      sessionId: session?.id ?? null,
      transactionId: session?.transactionId ?? null,
      evseNumber: req.evseId > 0 ? req.evseId : null,
      connectorNumber: session?.connectorNumber ?? null,
    });
    return {};
  }
}
