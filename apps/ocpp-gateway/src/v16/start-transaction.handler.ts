import { Injectable } from '@nestjs/common';
import { SessionsService } from '../charging/sessions.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { idTagInfo } from './id-tag-info';
import type { StartTransactionRequest16, StartTransactionResponse16 } from './v16.types';

@Injectable()
@OcppAction('ocpp1.6', 'StartTransaction')
export class StartTransactionHandler16 implements OcppHandler<
  StartTransactionRequest16,
  StartTransactionResponse16
> {
  constructor(private readonly sessions: SessionsService) {}

  async handle(req: StartTransactionRequest16, ctx: OcppCallContext): Promise<StartTransactionResponse16> {
    const { transactionId, authorization } = await this.sessions.start16(ctx.connection, {
      connectorId: req.connectorId,
      idTag: req.idTag,
      meterStartWh: req.meterStart,
      timestamp: new Date(req.timestamp),
      reservationId: req.reservationId ?? null,
    });
    return { transactionId, idTagInfo: idTagInfo(authorization) };
  }
}
