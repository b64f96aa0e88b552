import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  /** The message with quoted-printable soft breaks and escapes decoded, good enough to search. */
  text: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server on loopback that keeps what it receives; `rejecting` answers 451 to every recipient. */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  rejecting = false;
  rejected = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpCapture> {
    const holder: { capture?: SmtpCapture } = {};
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        if (holder.capture?.rejecting) {
          holder.capture.rejected++;
          const err = Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 });
          return callback(err);
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          holder.capture!.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            text: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
          });
          holder.capture!.waiters.splice(0).forEach((w) => w());
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.capture = new SmtpCapture(server, (server.server.address() as AddressInfo).port);
    return holder.capture;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Messages to this address, oldest first. */
  to(address: string): CapturedMail[] {
    return this.messages.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase()));
  }

  /** Waits until `count` messages have reached `address`; returns the newest. */
  async waitFor(address: string, count = 1, timeoutMs = 15_000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(address).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no email #${count} to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const all = this.to(address);
    return all[all.length - 1];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The invitation token in an email's acceptance link. */
export function invitationToken(mail: CapturedMail): string {
  const match = /invitations\/accept\?token=(csms_inv_[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no invitation link in: ${mail.text.slice(0, 500)}`);
  return match[1];
}

/** The token of a site-owner invitation email (it sits in the path of the acceptance link). */
export function siteOwnerInvitationToken(mail: CapturedMail): string {
  const match = /site-owner\/accept-invitation\/(csms_inv_[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no site owner invitation link in: ${mail.text.slice(0, 500)}`);
  return match[1];
}
