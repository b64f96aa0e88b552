import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { PARAMS_PROVIDER_TOKEN, Params } from 'nestjs-pino';
import pino, { Level, Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import type { AppConfig } from './config';
import { pooledRandom } from './ids';
import { REDACTED_PATHS, redactUrl } from './redact';

/** Monotonic within a millisecond, and its randomness drawn from a pool rather than byte by byte. */
const requestUlid = monotonicFactory(pooledRandom());

/** The process's root logger: JSON lines, the service (and gateway node) on each, secrets redacted. */
export function createRootLogger(config: AppConfig, service: string): Logger {
  const options = {
    level: config.log.level,
    base: { service, node: service === 'ocpp-gateway' ? config.gateway.nodeId : undefined },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  };
  // LOG_FILE sends the JSON lines to a file instead of stdout (log shipping, and the redaction tests).
  return config.log.file
    ? pino(options, pino.destination({ dest: config.log.file, sync: true, mkdir: true }))
    : pino(options);
}

/**
 * nestjs-pino settings shared by both apps: Nest's logger writes through the root logger, and within a
 * request through the request's own logger, which `requestLogging` (installed by each app's bootstrap
 * through `useRequestLogging`) attaches to the request. nestjs-pino's own request middleware (pino-http) is not used.
 */
export function loggerParams(config: AppConfig, service: string): Params {
  return { pinoHttp: { logger: createRootLogger(config, service) }, useExisting: true };
}

/** Installs `requestLogging` on the app, writing through the root logger that `loggerParams` created. */
export function useRequestLogging(app: INestApplication): void {
  const params = app.get<Params>(PARAMS_PROVIDER_TOKEN);
  const root = (params.pinoHttp as { logger?: Logger } | undefined)?.logger;
  if (!root) throw new Error('nestjs-pino was not configured with loggerParams');
  app.use(requestLogging(root));
}

/** The client's X-Request-Id when it is a sensible token, else a new one; echoed in the response. */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : `req_${requestUlid()}`;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The health check, probed every few seconds by load balancers: not worth a line each time. */
function isHealthProbe(req: IncomingMessage): boolean {
  return req.url === '/health' || req.url?.startsWith('/health?') === true;
}

/** Express's request: the path as it arrived stays in `originalUrl` while routers rewrite `url`. */
type ArrivingRequest = IncomingMessage & { originalUrl?: string };

/**
 * Express middleware, first in the chain: gives each request its id (`X-Request-Id`) and a logger
 * whose lines carry `req.id`, and writes one line when the response has gone (`request aborted` when
 * the client went away first): the request (method, path with secrets redacted, user agent, whether
 * credentials were sent), the status and the time taken; `info`, `warn` from 400, `error` from 500.
 * The line is built only when its level is enabled, so a quieter level costs the request almost nothing.
 * The health check gets an id and a logger but no line.
 */
export function requestLogging(root: Logger) {
  return (req: ArrivingRequest, res: ServerResponse, next: () => void): void => {
    const id = requestIdOf(req, res);
    // The request's own logger (nestjs-pino hands it to Nest's logger within the request).
    Object.assign(req, { id, log: root.child({ req: { id } }) });
    if (isHealthProbe(req)) return next();
    const start = Date.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const status = res.statusCode;
      const level: Level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!root.isLevelEnabled(level)) return;
      const headers = req.headers;
      root[level](
        {
          req: {
            id,
            method: req.method,
            url: redactUrl(req.originalUrl ?? req.url ?? ''),
            headers: {
              'user-agent': headers['user-agent'],
              authorization: headers.authorization ? '[REDACTED]' : undefined,
              'x-api-key': headers['x-api-key'] ? '[REDACTED]' : undefined,
            },
          },
          res: { statusCode: status },
          responseTime: Date.now() - start,
        },
        // Aborted: the client closed the connection before the whole answer was sent.
        !res.writableFinished ? 'request aborted' : status >= 500 ? 'request errored' : 'request completed',
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
