import type { DataSource, EntityManager } from 'typeorm';
import type { CommandState } from './entities/command.entity';

type Db = Pick<DataSource | EntityManager, 'query'>;

/** What a ReserveNow command ended with, as recorded on its row. */
export interface ReserveNowOutcome {
  chargePointId: string;
  payload: Record<string, unknown>;
  state: CommandState;
  response: Record<string, unknown> | null;
  errorCode: string | null;
}

/** The reservation id of a ReserveNow / CancelReservation payload (1.6 `reservationId`, 2.0.1 `id`). */
export function reservationIdOfPayload(payload: Record<string, unknown>): number | null {
  const id = payload.reservationId ?? payload.id;
  return typeof id === 'number' ? id : null;
}

/** The status a reservation takes from its ReserveNow outcome, with the reason; null while undecided. */
export function reservationStatusOf(
  outcome: Pick<ReserveNowOutcome, 'state' | 'response' | 'errorCode'>,
): { status: 'active' | 'rejected'; reason: string | null } | null {
  if (outcome.state === 'queued' || outcome.state === 'sent') return null;
  const answer = typeof outcome.response?.status === 'string' ? outcome.response.status : null;
  if (outcome.state === 'answered' && answer === 'Accepted') return { status: 'active', reason: null };
  return { status: 'rejected', reason: (answer ?? outcome.errorCode ?? outcome.state).slice(0, 64) };
}

/** Rows of an `UPDATE ... RETURNING` through TypeORM's pg driver (it answers `[rows, count]`). */
function returned<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}

/**
 * The state changes of reservations that the api and the gateway both make, each a conditional
 * update so that whichever process gets there first wins and the others change nothing.
 */
export const ReservationTransitions = {
  /** A pending reservation becomes active or rejected from its ReserveNow outcome. */
  async applyReserveNow(db: Db, outcome: ReserveNowOutcome, now: Date): Promise<boolean> {
    const reservationId = reservationIdOfPayload(outcome.payload);
    const next = reservationStatusOf(outcome);
    if (reservationId === null || !next) return false;
    const result = await db.query(
      `UPDATE reservations SET status = $3::varchar, status_reason = $4, updated_at = now(),
         ended_at = CASE WHEN $3::varchar = 'rejected' THEN $5::timestamptz ELSE ended_at END
       WHERE charge_point_id = $1 AND ocpp_reservation_id = $2 AND status = 'pending'
       RETURNING id`,
      [outcome.chargePointId, reservationId, next.status, next.reason, now],
    );
    return returned(result).length > 0;
  },

  /**
   * A session started on a reservation: by the reservation id the charger sent, else by the reserved
   * id tag on the reserved connector. Returns the reservation used, if any.
   */
  async markUsed(
    db: Db,
    use: {
      chargePointId: string;
      sessionId: string;
      reservationId: number | null;
      connectorId: number | null;
      idTag: string | null;
    },
    now: Date,
  ): Promise<string | null> {
    const set = `SET status = 'used', session_id = $2, status_reason = NULL, ended_at = $3, updated_at = now()`;
    if (use.reservationId !== null) {
      const result = await db.query(
        `UPDATE reservations ${set}
         WHERE charge_point_id = $1 AND ocpp_reservation_id = $4 AND status IN ('pending', 'active')
         RETURNING id`,
        [use.chargePointId, use.sessionId, now, use.reservationId],
      );
      const [row] = returned<{ id: string }>(result);
      if (row) return row.id;
    }
    if (use.connectorId === null || !use.idTag) return null;
    const result = await db.query(
      `UPDATE reservations ${set}
       WHERE charge_point_id = $1 AND connector_id = $4 AND lower(ocpp_id_tag) = lower($5)
         AND status IN ('pending', 'active')
       RETURNING id`,
      [use.chargePointId, use.sessionId, now, use.connectorId, use.idTag],
    );
    return returned<{ id: string }>(result)[0]?.id ?? null;
  },

  /**
   * A connector (or, with `connectorId` null, the whole charger) went Faulted or Unavailable: its
   * active reservations end as cancelled with the reason.
   */
  async endOnConnectorStatus(
    db: Db,
    chargePointId: string,
    connectorId: number | null,
    status: string,
    now: Date,
  ): Promise<string[]> {
    const reason = status === 'Faulted' ? 'connector_faulted' : 'connector_unavailable';
    const result = await db.query(
      `UPDATE reservations SET status = 'cancelled', status_reason = $3, ended_at = $4, updated_at = now()
       WHERE charge_point_id = $1 AND ($2::int IS NULL OR connector_id = $2) AND status IN ('pending', 'active')
       RETURNING id`,
      [chargePointId, connectorId, reason, now],
    );
    return returned<{ id: string }>(result).map((r) => r.id);
  },

  /** 2.0.1 ReservationStatusUpdate: the charger expired (`Expired`) or dropped (`Removed`) a reservation. */
  async chargerUpdate(
    db: Db,
    chargePointId: string,
    reservationId: number,
    update: 'Expired' | 'Removed',
    now: Date,
  ): Promise<boolean> {
    const [status, reason] =
      update === 'Expired' ? ['expired', 'expired_by_charger'] : ['cancelled', 'removed_by_charger'];
    const result = await db.query(
      `UPDATE reservations SET status = $3, status_reason = $4, ended_at = $5, updated_at = now()
       WHERE charge_point_id = $1 AND ocpp_reservation_id = $2 AND status IN ('pending', 'active')
       RETURNING id`,
      [chargePointId, reservationId, status, reason, now],
    );
    return returned(result).length > 0;
  },

  /** Expires open reservations whose expiry date has passed (one, or all of them, at most `limit`). */
  async expireDue(db: Db, now: Date, opts: { id?: string; limit?: number } = {}): Promise<string[]> {
    const result = await db.query(
      `UPDATE reservations SET status = 'expired', ended_at = $1, updated_at = now()
       WHERE id IN (
         SELECT id FROM reservations
         WHERE status IN ('pending', 'active') AND expiry_date <= $1 AND ($2::varchar IS NULL OR id = $2)
         ORDER BY expiry_date LIMIT $3
         FOR UPDATE SKIP LOCKED)
       AND status IN ('pending', 'active')
       RETURNING id`,
      [now, opts.id ?? null, opts.limit ?? 1000],
    );
    return returned<{ id: string }>(result).map((r) => r.id);
  },
};
