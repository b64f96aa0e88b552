import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChargingSession } from '@csms/domain';

/**
 * The hook that turns our `sess_` id into the charger's transaction id (1.6 integer, 2.0.1 string)
 * for remote-stop and get-transaction-status. Provided from charging_sessions.
 */
export interface SessionTransactionLookup {
  /** The charger's transaction id of an open or past session of this charge point, or null. */
  transactionIdOf(orgId: string, chargePointId: string, sessionId: string): Promise<string | number | null>;
}

export const SESSION_TRANSACTIONS = Symbol('SESSION_TRANSACTIONS');

/** Looks the transaction up in charging_sessions, within the organization and charge point. */
@Injectable()
export class ChargingSessionTransactions implements SessionTransactionLookup {
  constructor(private readonly db: DataSource) {}

  async transactionIdOf(
    orgId: string,
    chargePointId: string,
    sessionId: string,
  ): Promise<string | number | null> {
    const session = await this.db.getRepository(ChargingSession).findOne({
      where: { id: sessionId, organizationId: orgId, chargePointId },
      select: { transactionId: true, ocppTransactionId: true },
    });
    if (!session) return null;
    return session.ocppTransactionId ?? session.transactionId;
  }
}
