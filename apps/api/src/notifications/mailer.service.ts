import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { APP_CONFIG, AppConfig } from '@csms/common';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface LoggedMail extends MailMessage {
  messageId: string;
  from: string;
  date: string;
}

const LOGGED_KEPT = 100;

/**
 * Sends email with nodemailer: over SMTP when SMTP_URL is set; otherwise through a log transport that
 * logs each message (with its links) and keeps the last ones in memory (and in MAIL_LOG_DIR when set),
 * so a developer can follow an invitation link without a mail server.
 */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport: Transporter;
  private readonly logged: LoggedMail[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = config.mail.smtpUrl
      ? nodemailer.createTransport({
          // A send holds its outbox row locked: fail fast rather than wait minutes (query options win).
          connectionTimeout: 15_000,
          greetingTimeout: 15_000,
          socketTimeout: 30_000,
          ...parseConnectionUrl(config.mail.smtpUrl),
        })
      : nodemailer.createTransport({ jsonTransport: true });
  }

  get usesLogTransport(): boolean {
    return !this.config.mail.smtpUrl;
  }

  async send(message: MailMessage): Promise<string> {
    const info = await this.transport.sendMail({ from: this.config.mail.from, ...message });
    if (this.usesLogTransport)
      await this.keep({ ...message, messageId: info.messageId, from: this.config.mail.from });
    return info.messageId;
  }

  /** What the log transport delivered, newest last. */
  loggedMessages(): readonly LoggedMail[] {
    return this.logged;
  }

  private async keep(mail: Omit<LoggedMail, 'date'>): Promise<void> {
    const entry: LoggedMail = { ...mail, date: new Date().toISOString() };
    this.logged.push(entry);
    if (this.logged.length > LOGGED_KEPT) this.logged.shift();
    this.logger.log(
      { to: mail.to, subject: mail.subject, text: mail.text },
      `Email (log transport) to ${mail.to}`,
    );
    const dir = this.config.mail.logDir;
    if (dir) {
      await mkdir(dir, { recursive: true });
      const name = `${entry.date.replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^\w.-]/g, '')}.json`;
      await writeFile(join(dir, name), JSON.stringify(entry, null, 2));
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
