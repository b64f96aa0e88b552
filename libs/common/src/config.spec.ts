import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs embedded, with its data in ./data, when neither DATABASE_URL nor REDIS_URL is set', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('embedded');
    expect(config.database.url).toBe('');
    expect(config.redis.url).toBe('');
    expect(config.embedded).toEqual({ dataDir: './data', databasePort: 0 });
    expect(config.api.port).toBe(3000);
    expect(config.gateway.port).toBe(9000);
  });

  it('uses PostgreSQL and Redis when both URLs are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@db:5432/csms',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.mode).toBe('external');
    expect(config.database.url).toBe('postgres://postgres@db:5432/csms');
    expect(config.redis.url).toBe('redis://cache:6379');
  });

  it.each([
    [{ DATABASE_URL: 'postgres://postgres@db:5432/csms' }, 'only DATABASE_URL is set'],
    [{ REDIS_URL: 'redis://cache:6379' }, 'only REDIS_URL is set'],
  ])('refuses one backend URL without the other (%o)', (env, detail) => {
    expect(() => loadConfig(env)).toThrow(/DATABASE_URL and REDIS_URL go together/);
    expect(() => loadConfig(env)).toThrow(detail);
  });

  it('reads the site-owner document settings and requires BANK_DETAILS_KEY in production', () => {
    const config = loadConfig({
      SITE_OWNER_DOCUMENTS_DIR: '/srv/docs',
      SITE_OWNER_DOCUMENT_MAX_BYTES: '2048',
    });
    expect(config.siteOwners.documentsDir).toBe('/srv/docs');
    expect(config.siteOwners.documentMaxBytes).toBe(2048);
    expect(config.siteOwners.bankDetailsKey).toHaveLength(32);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/BANK_DETAILS_KEY is required/);
    expect(() => loadConfig({ BANK_DETAILS_KEY: 'abc' })).toThrow(/BANK_DETAILS_KEY must be 64 hex/);
    const key = 'ab'.repeat(32);
    expect(
      loadConfig({ NODE_ENV: 'production', BANK_DETAILS_KEY: key }).siteOwners.bankDetailsKey.toString('hex'),
    ).toBe(key);
  });

  it('names every bad variable in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        API_PORT: 'eighty',
        DATABASE_URL: 'mysql://x/y',
        REDIS_URL: 'redis://cache:6379',
        LOG_LEVEL: 'loud',
        OCPP_TLS_CERT_FILE: '/tmp/c',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('API_PORT');
    expect(error!.message).toContain('DATABASE_URL');
    expect(error!.message).toContain('LOG_LEVEL');
    expect(error!.message).toContain('OCPP_TLS_KEY_FILE');
  });

  it('reads booleans and lists', () => {
    const config = loadConfig({
      DATABASE_MIGRATE_ON_START: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.database.migrateOnStart).toBe(false);
    expect(config.api.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('reads the request timeouts, rate limits and OCPP frame limits, and checks them together', () => {
    const defaults = loadConfig({});
    expect(defaults.api).toMatchObject({ requestTimeoutMs: 30_000, clientTimeoutMs: 60_000 });
    expect(defaults.rateLimit).toEqual({ perMinute: 600, perIpPerMinute: 1200 });
    expect(defaults.gateway).toMatchObject({ maxBadMessages: 10, maxPayloadBytes: 1024 * 1024 });
    const set = loadConfig({
      API_REQUEST_TIMEOUT_MS: '9000',
      API_CLIENT_TIMEOUT_MS: '2000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '50',
      OCPP_MAX_BAD_MESSAGES: '3',
      OCPP_MAX_PAYLOAD_BYTES: '65536',
    });
    expect(set.api).toMatchObject({ requestTimeoutMs: 9000, clientTimeoutMs: 2000 });
    expect(set.rateLimit.perIpPerMinute).toBe(50);
    expect(set.gateway).toMatchObject({ maxBadMessages: 3, maxPayloadBytes: 65536 });
    expect(() => loadConfig({ API_REQUEST_TIMEOUT_MS: '4000', COMMAND_WAIT_MS: '5000' })).toThrow(
      /API_REQUEST_TIMEOUT_MS \(4000\) must be longer than COMMAND_WAIT_MS/,
    );
    expect(() => loadConfig({ API_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/API_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ OCPP_MAX_PAYLOAD_BYTES: '10' })).toThrow(/OCPP_MAX_PAYLOAD_BYTES/);
  });
});
