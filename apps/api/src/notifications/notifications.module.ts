import { Module } from '@nestjs/common';
import { NotificationsQueueModule } from '@csms/queues';
import { EmailSenderService } from './email-sender.service';
import { MailerService } from './mailer.service';
import { NotificationsProcessor } from './notifications.processor';
import { OutboxReconcilerService } from './outbox-reconciler.service';

/** The api's consumer of the notifications queue: the email worker and the outbox reconciler. */
@Module({
  imports: [NotificationsQueueModule],
  providers: [MailerService, EmailSenderService, NotificationsProcessor, OutboxReconcilerService],
  exports: [MailerService, OutboxReconcilerService, EmailSenderService],
})
export class NotificationsModule {}
