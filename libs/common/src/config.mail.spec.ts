import { ConfigError, loadConfig } from './config';

describe('mail and notification configuration', () => {
  it('defaults to the log transport, a worker, and a one-minute outbox reconciler', () => {
    const config = loadConfig({});
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.mail.from).toContain('@');
    expect(config.notifications).toEqual({
      workerEnabled: true,
      concurrency: 5,
      reconcileIntervalSeconds: 60,
    });
  });

  it('reads SMTP_URL, MAIL_FROM and the reconciler interval', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://user:pass@mail.example.com:587',
      MAIL_FROM: 'Ops <ops@example.com>',
      OUTBOX_RECONCILE_INTERVAL_SECONDS: '0',
      NOTIFICATIONS_WORKER: 'false',
    });
    expect(config.mail).toMatchObject({
      smtpUrl: 'smtp://user:pass@mail.example.com:587',
      from: 'Ops <ops@example.com>',
    });
    expect(config.notifications).toMatchObject({ workerEnabled: false, reconcileIntervalSeconds: 0 });
  });

  it('names SMTP_URL when it is not an smtp:// or smtps:// URL', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
  });
});
