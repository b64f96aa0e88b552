import { Injectable } from '@nestjs/common';
import { SessionsService } from '../charging/sessions.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { samplesOf16 } from '../ocpp/ocpp-mapper';
import { idTagInfo } from './id-tag-info';
import type { IdTagInfo16, StopTransactionRequest16 } from './v16.types';

/** Always answered, even for a transaction the CSMS does not know (recorded for review instead). */
@Injectable()
@OcppAction('ocpp1.6', 'StopTransaction')
export class StopTransactionHandler16 implements OcppHandler<
  StopTransactionRequest16,
  { idTagInfo?: IdTagInfo16 }
> {
  constructor(private readonly sessions: SessionsService) {}

  async handle(req: StopTransactionRequest16, ctx: OcppCallContext): Promise<{ idTagInfo?: IdTagInfo16 }> {
    const samples = samplesOf16(req.transactionData ?? []);
    const authorization = await this.sessions.stop16(ctx.connection, {
      transactionId: req.transactionId,
      idTag: req.idTag ?? null,
      meterStopWh: req.meterStop,
      timestamp: new Date(req.timestamp),
      reason: req.reason ?? null,
      samples,
    });
    return authorization ? { idTagInfo: idTagInfo(authorization) } : {};
  }
}
