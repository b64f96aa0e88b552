import { Injectable } from '@nestjs/common';
import { SessionsService } from '../charging/sessions.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { samplesOf201 } from '../ocpp/ocpp-mapper';
import { idTokenInfo } from './id-token-info';
import type { TransactionEventRequest201, TransactionEventResponse201 } from './v201.types';

/** Started/Updated/Ended; idTokenInfo is returned whenever the event carries an idToken. */
@Injectable()
@OcppAction('ocpp2.0.1', 'TransactionEvent')
export class TransactionEventHandler201 implements OcppHandler<
  TransactionEventRequest201,
  TransactionEventResponse201
> {
  constructor(private readonly sessions: SessionsService) {}

  async handle(req: TransactionEventRequest201, ctx: OcppCallContext): Promise<TransactionEventResponse201> {
    const samples = samplesOf201(req.meterValue ?? []);
    const token = req.idToken && req.idToken.type !== 'NoAuthorization' ? req.idToken : null;
    const { authorization } = await this.sessions.transactionEvent(ctx.connection, {
      transactionId: req.transactionInfo.transactionId,
      eventType: req.eventType,
      seqNo: req.seqNo,
      timestamp: new Date(req.timestamp),
      triggerReason: req.triggerReason,
      offline: req.offline ?? false,
      evseNumber: req.evse?.id ?? null,
      connectorNumber: req.evse?.connectorId ?? (req.evse ? 1 : null),
      idToken: token ? { value: token.idToken, type: token.type } : null,
      remoteStartId: req.transactionInfo.remoteStartId ?? null,
      reservationId: req.reservationId ?? null,
      stoppedReason: req.transactionInfo.stoppedReason ?? null,
      samples,
      payload: req as unknown as Record<string, unknown>,
    });
    if (req.idToken?.type === 'NoAuthorization') return { idTokenInfo: { status: 'Accepted' } };
    return authorization ? { idTokenInfo: idTokenInfo(authorization) } : {};
  }
}
