import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/csms');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.api.port).toBe(3000);
    expect(config.gateway.port).toBe(9000);
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
});
