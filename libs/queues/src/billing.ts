import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from './queue-names';

/** Job names of the billing queue; each has exactly one handler in the api's billing worker. */
export enum BillingJob {
  /**
   * Price one finished session now (idempotent: a priced session is left alone). For a producer that
   * sees the session end, such as the gateway; the sweep and every read price it regardless.
   */
  PriceSession = 'price-session',
  /** Repeatable: price finished sessions nobody priced yet, and stop idle sessions. */
  Sweep = 'sweep',
}

export interface PriceSessionPayload {
  sessionId: string;
}

export interface BillingJobs {
  [BillingJob.PriceSession]: PriceSessionPayload;
  [BillingJob.Sweep]: Record<string, never>;
}

const SWEEP_SCHEDULER = 'billing-sweep';

@Injectable()
export class BillingProducer {
  constructor(@InjectQueue(QueueName.Billing) private readonly queue: Queue) {}

  async enqueuePricing(sessionId: string): Promise<void> {
    const payload: PriceSessionPayload = { sessionId };
    await this.queue.add(BillingJob.PriceSession, payload, { jobId: `price-${sessionId}` });
  }

  /** The repeatable sweep, once across all api instances (a BullMQ job scheduler). */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER,
      { every: everyMs },
      { name: BillingJob.Sweep, data: {} },
    );
  }

  async unscheduleSweep(): Promise<void> {
    await this.queue.removeJobScheduler(SWEEP_SCHEDULER);
  }
}

@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Billing })],
  providers: [BillingProducer],
  exports: [BillingProducer, BullModule],
})
export class BillingQueueModule {}
