import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { CommandsService } from '../commands/commands.service';

export const IDLE_STOP_REASON = 'idle_timeout';

interface IdleSession {
  id: string;
  organization_id: string;
  charge_point_id: string;
  ocpp_version: string;
  transaction_id: string;
  ocpp_transaction_id: number | null;
}

/**
 * Stops sessions whose energy register (each sampled-value set's billing register reading) stayed
 * unchanged across meter readings spanning the organization's `session_idle_timeout_minutes` (0 = off).
 * Only readings count, never the wall clock: a charger that sends no meter values is never stopped for
 * idleness.
 */
@Injectable()
export class IdleSessionsService {
  private readonly logger = new Logger('IdleSessions');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly commands: CommandsService,
  ) {}

  async findIdle(): Promise<IdleSession[]> {
    return this.db.query(
      `SELECT s.id, s.organization_id, s.charge_point_id, s.ocpp_version, s.transaction_id, s.ocpp_transaction_id
         FROM charging_sessions s
         JOIN organizations o ON o.id = s.organization_id
         CROSS JOIN LATERAL (
           SELECT m.register_wh AS value, m.sampled_at FROM meter_value_sets m
            WHERE m.session_id = s.id AND m.register_wh IS NOT NULL
            ORDER BY m.sampled_at DESC, m.id DESC LIMIT 1) last
         CROSS JOIN LATERAL (
           SELECT min(m.sampled_at) AS since, count(*) AS readings FROM meter_value_sets m
            WHERE m.session_id = s.id AND m.register_wh IS NOT NULL
              AND m.sampled_at > coalesce((
                SELECT max(c.sampled_at) FROM meter_value_sets c
                 WHERE c.session_id = s.id AND c.register_wh IS NOT NULL AND c.register_wh <> last.value),
                '-infinity')) same
        WHERE s.status = 'active' AND s.stop_requested_at IS NULL
          AND coalesce((o.settings->>'session_idle_timeout_minutes')::int, 0) > 0
          AND same.readings >= 2
          AND last.sampled_at - same.since
              >= make_interval(mins => (o.settings->>'session_idle_timeout_minutes')::int)
        LIMIT 500`,
    );
  }

  /** Sends the stop through the command path and records why; returns how many were stopped. */
  async stopIdleSessions(): Promise<number> {
    let stopped = 0;
    for (const session of await this.findIdle()) {
      const [, claimed]: [unknown, number] = await this.db.query(
        `UPDATE charging_sessions SET stop_requested_reason = $2, stop_requested_at = $3, updated_at = now()
          WHERE id = $1 AND status = 'active' AND stop_requested_at IS NULL`,
        [session.id, IDLE_STOP_REASON, this.clock.now()],
      );
      if (!claimed) continue;
      const v16 = session.ocpp_version === '1.6';
      try {
        await this.commands.dispatch(
          session.organization_id,
          session.charge_point_id,
          v16 ? 'RemoteStopTransaction' : 'RequestStopTransaction',
          {
            transactionId: v16
              ? (session.ocpp_transaction_id ?? Number(session.transaction_id))
              : session.transaction_id,
          },
          { action: 'remote-stop', request: { session_id: session.id, reason: IDLE_STOP_REASON } },
        );
        stopped++;
        this.logger.log({ sessionId: session.id }, 'Asked the charger to stop an idle session');
      } catch (err) {
        // Offline charger: release the claim so the next sweep tries again.
        await this.db.query(
          `UPDATE charging_sessions SET stop_requested_reason = NULL, stop_requested_at = NULL WHERE id = $1`,
          [session.id],
        );
        this.logger.warn({ err, sessionId: session.id }, 'Could not send the idle stop');
      }
    }
    return stopped;
  }
}
