import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@csms/common';
import {
  DEFAULT_JOB_OPTIONS,
  NotificationJob,
  NotificationJobs,
  QueueName,
  SendEmailPayload,
} from '@csms/queues';
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

  /** One handler per job name; the Record type makes a job name without a handler a compile error. */
  private readonly handlers: { [N in NotificationJob]: (job: Job<NotificationJobs[N]>) => Promise<string> } =
    {
      [NotificationJob.SendEmail]: (job) => this.sender.send(job.data.emailId),
    };

  async process(job: Job<SendEmailPayload>): Promise<string> {
    const handler = this.handlers[job.name as NotificationJob];
    if (!handler) throw new Error(`No handler for notifications job ${job.name}`);
    return handler(job);
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
