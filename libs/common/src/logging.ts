import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import { monotonicFactory } from 'ulid';
import type { AppConfig } from './config';
import { pooledRandom } from './ids';
import { REDACTED_PATHS, redactUrl } from './redact';

/** Monotonic within a millisecond, and its randomness drawn from a pool rather than byte by byte. */
const requestUlid = monotonicFactory(pooledRandom());

/** nestjs-pino settings shared by both apps: JSON logs, a request id on every line, secrets redacted. */
export function loggerParams(config: AppConfig, service: string): Params {
  const options = {
    level: config.log.level,
    base: { service, node: service === 'ocpp-gateway' ? config.gateway.nodeId : undefined },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id =
        typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : `req_${requestUlid()}`;
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: {
          'user-agent': req.headers['user-agent'],
          authorization: req.headers['authorization'] ? '[REDACTED]' : undefined,
          'x-api-key': req.headers['x-api-key'] ? '[REDACTED]' : undefined,
        },
      }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  };
  // LOG_FILE sends the JSON lines to a file instead of stdout (log shipping, and the redaction tests).
  return {
    pinoHttp: config.log.file
      ? [options, pino.destination({ dest: config.log.file, sync: true, mkdir: true })]
      : options,
  };
}
