import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { DEFAULT_JOB_OPTIONS, NotificationJob, QueueName, SendEmailPayload } from '@csms/queues';
import { EmailSenderService } from './email-sender.service';

/**
 * The notifications worker. Created paused (autorun off) and started at bootstrap when
 * NOTIFICATIONS_WORKER is on; closed by @nestjs/bullmq when the app closes.
 */
@Processor(QueueName.Notifications, { autorun: false })
export class NotificationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly sender: EmailSenderService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.config.notifications.workerEnabled) return;
    this.worker.concurrency = this.config.notifications.concurrency;
    this.worker
      .run()
      .catch((err: unknown) => this.logger.error(`Notifications worker stopped: ${String(err)}`));
  }

  async process(job: Job<SendEmailPayload>): Promise<string> {
    switch (job.name as NotificationJob) {
      case NotificationJob.SendEmail:
        return this.sender.send(job.data.emailId);
      default:
        throw new Error(`No handler for notifications job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<SendEmailPayload> | undefined, err: Error): Promise<void> {
    if (!job || job.name !== NotificationJob.SendEmail) return;
    const attempts = job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts;
    const final = job.attemptsMade >= attempts;
    this.logger.warn(`Email ${job.data.emailId} attempt ${job.attemptsMade} failed: ${err.message}`);
    await this.sender.recordFailure(job.data.emailId, err.message, final).catch(() => undefined);
  }
}
