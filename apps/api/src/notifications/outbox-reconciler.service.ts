import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { OutboundEmail } from '@csms/domain';
import { NotificationsProducer } from '@csms/queues';

const BATCH = 500;

/**
 * Re-enqueues every unsent outbox row, at start-up and every OUTBOX_RECONCILE_INTERVAL_SECONDS, so an
 * email whose job was lost (Redis restarted empty, enqueue failed after commit) is still sent. Job ids
 * are row ids: rows whose job still exists add nothing.
 */
@Injectable()
export class OutboxReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly db: DataSource,
    private readonly producer: NotificationsProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcileSafely();
    const seconds = this.config.notifications.reconcileIntervalSeconds;
    if (seconds > 0) {
      this.timer = setInterval(() => void this.reconcileSafely(), seconds * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Enqueues the unsent rows; returns how many it found. */
  async reconcile(): Promise<number> {
    let found = 0;
    let after = '';
    for (;;) {
      const rows = await this.db
        .getRepository(OutboundEmail)
        .createQueryBuilder('e')
        .select('e.id')
        .where("e.status = 'pending' AND e.id > :after", { after })
        .orderBy('e.id', 'ASC')
        .take(BATCH)
        .getMany();
      if (rows.length === 0) break;
      await this.producer.enqueueEmails(rows.map((r) => r.id));
      found += rows.length;
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) break;
    }
    return found;
  }

  private async reconcileSafely(): Promise<void> {
    if (this.running) return;
    this.running = this.reconcile();
    try {
      const found = await this.running;
      if (found) this.logger.log(`Re-enqueued ${found} unsent email(s)`);
    } catch (err) {
      this.logger.warn(`Outbox reconciliation failed: ${String(err)}`);
    } finally {
      this.running = undefined;
    }
  }
}
