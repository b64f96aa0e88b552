import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock, REDIS } from '@csms/common';
import { Command, ReservationTransitions } from '@csms/domain';

/** A pending reservation with no ReserveNow this long after creation was never sent (the api stopped). */
const UNSENT_GRACE_MS = 60_000;
const BATCH = 500;

export interface ReservationSweepReport {
  expired: number;
  settled: number;
}

/**
 * Postgres is the source of truth for expiry: every RESERVATION_SWEEP_INTERVAL_SECONDS (and at start)
 * one api instance expires overdue reservations whose delayed job was lost (Redis restart or flush, an
 * api that was down), and settles pending reservations whose ReserveNow already ended.
 */
@Injectable()
export class ReservationsMaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReservationsMaintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.reservations.sweepIntervalSeconds;
    if (seconds <= 0) return;
    const run = () => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    };
    this.timer = setInterval(run, seconds * 1000);
    this.timer.unref();
    run();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    const lock = `${this.config.redis.queuePrefix}:reservations:maintenance-lock`;
    const ttl = Math.max(500, this.config.reservations.sweepIntervalSeconds * 1000 - 200);
    try {
      if ((await this.redis.set(lock, '1', 'PX', ttl, 'NX')) !== 'OK') return;
      await this.sweep();
    } catch (err) {
      this.logger.warn({ err }, 'Reservation maintenance run failed');
    }
  }

  async sweep(): Promise<ReservationSweepReport> {
    const now = this.clock.now();
    const expired = await ReservationTransitions.expireDue(this.db, now, { limit: BATCH });

    let settled = 0;
    const pending: Array<{ id: string; reserve_command_id: string | null; created_at: Date }> =
      await this.db.query(
        `SELECT id, reserve_command_id, created_at FROM reservations WHERE status = 'pending'
         ORDER BY created_at LIMIT $1`,
        [BATCH],
      );
    for (const row of pending) {
      if (!row.reserve_command_id) {
        if (now.getTime() - new Date(row.created_at).getTime() < UNSENT_GRACE_MS) continue;
        const result = await this.db.query(
          `UPDATE reservations SET status = 'rejected', status_reason = 'not_sent', ended_at = $2, updated_at = now()
           WHERE id = $1 AND status = 'pending' AND reserve_command_id IS NULL`,
          [row.id, now],
        );
        settled += Array.isArray(result) ? Number(result[1] ?? 0) : 0;
        continue;
      }
      const command = await this.db.getRepository(Command).findOneBy({ id: row.reserve_command_id });
      if (command && (await ReservationTransitions.applyReserveNow(this.db, command, now))) settled++;
    }
    if (expired.length || settled) {
      this.logger.log({ expired: expired.length, settled }, 'Swept reservations');
    }
    return { expired: expired.length, settled };
  }
}
