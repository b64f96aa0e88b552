/**
 * The hook that turns our `sess_` id into the charger's transaction id (1.6 integer, 2.0.1 string)
 * for remote-stop and get-transaction-status. The sessions module provides SESSION_TRANSACTIONS when
 * it exists; until then no session is known and callers pass the raw `transaction_id`.
 */
export interface SessionTransactionLookup {
  /** The charger's transaction id of an open or past session of this charge point, or null. */
  transactionIdOf(orgId: string, chargePointId: string, sessionId: string): Promise<string | number | null>;
}

export const SESSION_TRANSACTIONS = Symbol('SESSION_TRANSACTIONS');

export class NoSessionTransactions implements SessionTransactionLookup {
  async transactionIdOf(): Promise<null> {
    return null;
  }
}
