import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { BillingJob, BillingJobs, BillingProducer, QueueName } from '@csms/queues';
import { IdleSessionsService } from './idle-sessions.service';
import { SessionPricingService } from './session-pricing.service';

/**
 * The billing worker: prices finished sessions and runs the repeatable sweep (unpriced sessions,
 * idle sessions). Created paused and started at bootstrap with the sweep's scheduler.
 */
@Processor(QueueName.Billing, { autorun: false })
export class BillingProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('BillingWorker');

  constructor(
    private readonly pricing: SessionPricingService,
    private readonly idle: IdleSessionsService,
    private readonly producer: BillingProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const seconds = this.config.billing.sweepIntervalSeconds;
    if (seconds <= 0) return;
    await this.producer.scheduleSweep(seconds * 1000);
    this.worker.run().catch((err: unknown) => this.logger.error(`Billing worker stopped: ${String(err)}`));
  }

  private readonly handlers: { [N in BillingJob]: (job: Job<BillingJobs[N]>) => Promise<unknown> } = {
    [BillingJob.PriceSession]: (job) => this.pricing.priceFinished(job.data.sessionId),
    [BillingJob.Sweep]: async () => ({
      priced: await this.pricing.priceUnpriced(),
      idle_stopped: await this.idle.stopIdleSessions(),
    }),
  };

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as BillingJob] as ((job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`No handler for billing job ${job.name}`);
    return handler(job);
  }
}
