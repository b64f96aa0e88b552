import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from './queue-names';

/** Job names of the notifications queue; each has exactly one handler in the api's notifications worker. */
export enum NotificationJob {
  SendEmail = 'send-email',
}

/** Sends one row of `outbound_emails`; the row, not the job, holds what to send. */
export interface SendEmailPayload {
  emailId: string;
}

export interface NotificationJobs {
  [NotificationJob.SendEmail]: SendEmailPayload;
}

/**
 * Puts outbox rows on the notifications queue. The job id is the row id, so enqueueing the same row
 * twice (request and reconciler) while its job exists adds nothing.
 */
@Injectable()
export class NotificationsProducer {
  constructor(@InjectQueue(QueueName.Notifications) private readonly queue: Queue) {}

  async enqueueEmail(emailId: string): Promise<void> {
    const payload: SendEmailPayload = { emailId };
    await this.queue.add(NotificationJob.SendEmail, payload, { jobId: emailId });
  }

  async enqueueEmails(emailIds: string[]): Promise<void> {
    if (emailIds.length === 0) return;
    await this.queue.addBulk(
      emailIds.map((emailId) => ({
        name: NotificationJob.SendEmail,
        data: { emailId } satisfies SendEmailPayload,
        opts: { jobId: emailId },
      })),
    );
  }
}

@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Notifications })],
  providers: [NotificationsProducer],
  exports: [NotificationsProducer, BullModule],
})
export class NotificationsQueueModule {}
