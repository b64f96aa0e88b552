import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export type Env = Record<string, string | undefined>;

/**
 * `external`: PostgreSQL and Redis of DATABASE_URL and REDIS_URL (production, several nodes).
 * `embedded`: neither is set; `npm start` runs PGlite in-process and BullMQ on it (one node).
 */
export type BackendMode = 'external' | 'embedded';

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  mode: BackendMode;
  /** In embedded mode `url` is filled in by the entry point once the embedded database listens. */
  database: { url: string; migrateOnStart: boolean; poolSize: number; logQueries: boolean };
  /** `url` is empty in embedded mode. */
  redis: { url: string; queuePrefix: string };
  embedded: {
    /** Where PGlite keeps its files. */
    dataDir: string;
    /** Loopback port of the embedded database's wire protocol (0 = any free port). */
    databasePort: number;
  };
  api: {
    host: string;
    port: number;
    publicUrl: string;
    bodyLimit: string;
    corsOrigins: string[] | '*';
    /** The longest a request may take to be answered (503 `request_timeout`); also each SQL statement's limit. */
    requestTimeoutMs: number;
    /** The longest a client may take to send its request headers and body (Node answers 408 and closes). */
    clientTimeoutMs: number;
    /** api processes `npm run start:api` runs on the one port (node cluster); 1 = this process alone. */
    workers: number;
  };
  gateway: {
    host: string;
    port: number;
    nodeId: string;
    /** Gateway processes `npm run start:gateway` runs on the one port (node cluster), each a node of its own. */
    workers: number;
    heartbeatIntervalSeconds: number;
    pingIntervalSeconds: number;
    /** Bad frames in a row (invalid JSON, unknown message type...) before the connection is closed (1002). */
    maxBadMessages: number;
    /** Largest websocket frame accepted; a larger one closes the connection with 1009. */
    maxPayloadBytes: number;
    tlsCertFile?: string;
    tlsKeyFile?: string;
  };
  auth: {
    userTokenTtlHours: number;
    loginMaxFailures: number;
    loginFailureWindowSeconds: number;
    /** How long a verified credential is remembered in the api's memory (0: look it up every request). */
    credentialCacheSeconds: number;
  };
  mail: {
    /** smtp:// or smtps:// URL of the relay; without it messages go to the log transport. */
    smtpUrl?: string;
    from: string;
    /** Where the log transport also writes each message as JSON (development). */
    logDir?: string;
  };
  notifications: {
    /** Whether this process runs the notifications worker. */
    workerEnabled: boolean;
    concurrency: number;
    /** How often unsent outbox rows are re-enqueued; 0 runs the reconciler only at start-up. */
    reconcileIntervalSeconds: number;
  };
  /** Requests per minute per credential and per client address, counted across api nodes. */
  rateLimit: { perMinute: number; perIpPerMinute: number };
  commands: {
    /** How long the api waits for the charger's answer before replying 202 with the command id. */
    waitMs: number;
    /** How long a gateway waits for the charger's CALLRESULT. */
    callTimeoutMs: number;
    /** Jobs a gateway node works on at once (still one call in flight per charger). */
    workerConcurrency: number;
    /** How often the api runs the command reconciler and sweeper; 0 turns the timer off. */
    sweepIntervalSeconds: number;
    /** The longest a command may wait for its charger to reconnect. */
    maxQueueSeconds: number;
  };
  reservations: {
    /** The furthest ahead a reservation may expire. */
    maxSeconds: number;
    /** How often the api expires overdue reservations and settles pending ones from Postgres; 0 turns the timer off. */
    sweepIntervalSeconds: number;
  };
  siteOwners: {
    /** Where uploaded onboarding documents are written (generated names). */
    documentsDir: string;
    documentMaxBytes: number;
    /** AES-256 key (64 hex characters) that encrypts stored IBANs. */
    bankDetailsKey: Buffer;
  };
  billing: {
    /** How often the api prices finished sessions left unpriced and checks for idle sessions; 0 turns it off. */
    sweepIntervalSeconds: number;
  };
  log: { level: string; file?: string };
}

/** Development/test only: production must set BANK_DETAILS_KEY. */
const DEVELOPMENT_BANK_DETAILS_KEY = '637363736d73646576656c6f706d656e746f6e6c796b657930303030303030ff';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') {
      if (fallback === undefined) this.problems.push(`${name} is required`);
      return fallback ?? '';
    }
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const value = this.string(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }
}

function bankDetailsKey(r: Reader, nodeEnv: AppConfig['nodeEnv']): Buffer {
  const raw = r.optional('BANK_DETAILS_KEY');
  if (raw === undefined && nodeEnv === 'production') {
    r.problems.push('BANK_DETAILS_KEY is required in production (64 hex characters)');
  }
  const hex = raw ?? DEVELOPMENT_BANK_DETAILS_KEY;
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    r.problems.push('BANK_DETAILS_KEY must be 64 hex characters (32 bytes)');
  return Buffer.from(hex.padEnd(64, '0').slice(0, 64), 'hex');
}

/** Only the TypeORM CLI falls back to this; the apps take DATABASE_URL or run embedded. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/csms';

export const BACKEND_URLS_TOGETHER =
  'DATABASE_URL and REDIS_URL go together: set both (PostgreSQL and Redis) or neither (embedded mode)';

/** Reads and validates the whole configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', 'development', ['development', 'production', 'test'] as const);
  const apiPort = r.int('API_PORT', 3000, 0, 65535);
  const gatewayPort = r.int('OCPP_PORT', 9000, 0, 65535);
  const cors = r.optional('CORS_ORIGINS');
  const tlsCertFile = r.optional('OCPP_TLS_CERT_FILE');
  const tlsKeyFile = r.optional('OCPP_TLS_KEY_FILE');
  if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) {
    r.problems.push('OCPP_TLS_CERT_FILE and OCPP_TLS_KEY_FILE must be set together');
  }
  const hasDatabase = r.optional('DATABASE_URL') !== undefined;
  const hasRedis = r.optional('REDIS_URL') !== undefined;
  if (hasDatabase !== hasRedis) {
    r.problems.push(`${BACKEND_URLS_TOGETHER} (only ${hasDatabase ? 'DATABASE_URL' : 'REDIS_URL'} is set)`);
  }
  const mode: BackendMode = hasDatabase || hasRedis ? 'external' : 'embedded';
  const config: AppConfig = {
    nodeEnv,
    mode,
    database: {
      url: hasDatabase ? r.url('DATABASE_URL', '', ['postgres:', 'postgresql:']) : '',
      migrateOnStart: r.bool('DATABASE_MIGRATE_ON_START', true),
      poolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 500),
      logQueries: r.bool('DATABASE_LOG_QUERIES', false),
    },
    redis: {
      url: hasRedis ? r.url('REDIS_URL', '', ['redis:', 'rediss:']) : '',
      queuePrefix: r.string('QUEUE_PREFIX', 'csms'),
    },
    embedded: {
      dataDir: r.string('DATA_DIR', './data'),
      databasePort: r.int('EMBEDDED_DATABASE_PORT', 0, 0, 65535),
    },
    api: {
      host: r.string('API_HOST', '0.0.0.0'),
      port: apiPort,
      publicUrl: r.string('PUBLIC_URL', `http://localhost:${apiPort}`).replace(/\/+$/, ''),
      bodyLimit: r.string('API_BODY_LIMIT', '1mb'),
      corsOrigins: !cors || cors === '*' ? '*' : cors.split(',').map((o) => o.trim()),
      requestTimeoutMs: r.int('API_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      clientTimeoutMs: r.int('API_CLIENT_TIMEOUT_MS', 60_000, 100, 600_000),
      workers: r.int('API_WORKERS', 1, 1, 64),
    },
    gateway: {
      host: r.string('OCPP_HOST', '0.0.0.0'),
      port: gatewayPort,
      nodeId: r.string('GATEWAY_NODE_ID', `${hostname()}-${randomBytes(3).toString('hex')}`),
      workers: r.int('GATEWAY_WORKERS', 1, 1, 64),
      heartbeatIntervalSeconds: r.int('OCPP_HEARTBEAT_INTERVAL', 300, 10, 86400),
      pingIntervalSeconds: r.int('OCPP_PING_INTERVAL', 30, 0, 3600),
      maxBadMessages: r.int('OCPP_MAX_BAD_MESSAGES', 10, 0, 1_000_000),
      maxPayloadBytes: r.int('OCPP_MAX_PAYLOAD_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
      tlsCertFile,
      tlsKeyFile,
    },
    auth: {
      userTokenTtlHours: r.int('AUTH_TOKEN_TTL_HOURS', 24 * 7, 1, 24 * 365),
      loginMaxFailures: r.int('AUTH_LOGIN_MAX_FAILURES', 5, 1, 1000),
      loginFailureWindowSeconds: r.int('AUTH_LOGIN_FAILURE_WINDOW', 900, 1, 86400),
      credentialCacheSeconds: r.int('AUTH_CREDENTIAL_CACHE_SECONDS', 60, 0, 3600),
    },
    mail: {
      smtpUrl: r.optional('SMTP_URL') && r.url('SMTP_URL', '', ['smtp:', 'smtps:']),
      from: r.string('MAIL_FROM', 'CSMS <no-reply@csms.local>'),
      logDir: r.optional('MAIL_LOG_DIR'),
    },
    notifications: {
      workerEnabled: r.bool('NOTIFICATIONS_WORKER', true),
      concurrency: r.int('NOTIFICATIONS_CONCURRENCY', 5, 1, 100),
      reconcileIntervalSeconds: r.int('OUTBOX_RECONCILE_INTERVAL_SECONDS', 60, 0, 86400),
    },
    rateLimit: {
      perMinute: r.int('RATE_LIMIT_PER_MINUTE', 600, 1, 10_000_000),
      perIpPerMinute: r.int('RATE_LIMIT_PER_IP_PER_MINUTE', 1200, 1, 10_000_000),
    },
    commands: {
      waitMs: r.int('COMMAND_WAIT_MS', 5000, 0, 60_000),
      callTimeoutMs: r.int('COMMAND_CALL_TIMEOUT_MS', 30_000, 100, 600_000),
      workerConcurrency: r.int('COMMAND_WORKER_CONCURRENCY', 200, 1, 10_000),
      sweepIntervalSeconds: r.int('COMMAND_SWEEP_INTERVAL_SECONDS', 30, 0, 3600),
      maxQueueSeconds: r.int('COMMAND_MAX_QUEUE_SECONDS', 7 * 24 * 3600, 60, 90 * 24 * 3600),
    },
    reservations: {
      maxSeconds: r.int('RESERVATION_MAX_SECONDS', 24 * 3600, 60, 90 * 24 * 3600),
      sweepIntervalSeconds: r.int('RESERVATION_SWEEP_INTERVAL_SECONDS', 30, 0, 3600),
    },
    siteOwners: {
      documentsDir: r.string('SITE_OWNER_DOCUMENTS_DIR', './data/documents'),
      documentMaxBytes: r.int('SITE_OWNER_DOCUMENT_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      bankDetailsKey: bankDetailsKey(r, nodeEnv),
    },
    billing: { sweepIntervalSeconds: r.int('BILLING_SWEEP_INTERVAL_SECONDS', 30, 0, 3600) },
    log: {
      level: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      file: r.optional('LOG_FILE'),
    },
  };
  if (config.api.requestTimeoutMs <= config.commands.waitMs) {
    r.problems.push(
      `API_REQUEST_TIMEOUT_MS (${config.api.requestTimeoutMs}) must be longer than COMMAND_WAIT_MS (${config.commands.waitMs})`,
    );
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
