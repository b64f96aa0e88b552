import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ulid } from 'ulid';
import { ProblemBody, ProblemException, PROBLEM_TYPE_BASE, problemTitle } from './problem';

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Errors thrown by body-parser and friends carry `status`/`type` instead of being HttpExceptions. */
interface ExpressLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** SQLSTATEs a request can cause that are not a server fault. */
const DATABASE_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  // statement_timeout (the request timeout): the statement was cancelled and its transaction rolled back.
  '57014': {
    status: 503,
    code: 'request_timeout',
    detail: 'The request took too long to process and was cancelled; nothing was changed',
  },
  '55P03': { status: 503, code: 'request_timeout', detail: 'The data is busy; retry later' },
};

/**
 * The SQLSTATE of a failed statement, or undefined: TypeORM wraps the driver's error (`driverError`), a
 * prepared statement (queryPrepared) throws node-postgres's own, which carries it itself.
 */
export function sqlStateOf(err: unknown): string | undefined {
  const e = err as { driverError?: { code?: unknown }; code?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A statement refused by a unique index or constraint (SQLSTATE 23505), however the error is wrapped. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlStateOf(err) === '23505';
}

function databaseProblem(exception: unknown): { body: ProblemBody; headers: Record<string, string> } | null {
  const sqlState = sqlStateOf(exception);
  const known = sqlState ? DATABASE_ERRORS[sqlState] : undefined;
  if (!known) return null;
  return {
    body: {
      type: `${PROBLEM_TYPE_BASE}${known.code}`,
      title: problemTitle(known.status),
      status: known.status,
      detail: known.detail,
      code: known.code,
    },
    headers: known.status === 503 ? { 'Retry-After': '1' } : {},
  };
}

/** Network errors and PostgreSQL's "connection" / "operator intervention" classes (08, 57P). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Connection is closed|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to administrator command|MaxRetriesPerRequest|Stream isn't writeable/i;

/** Whether an error means that PostgreSQL or Redis cannot be reached right now (not a bug, not bad input). */
export function isBackendUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || /^(08|57P)/.test(code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  return isBackendUnavailable(e.driverError, depth + 1) || isBackendUnavailable(e.cause, depth + 1);
}

/** How soon a client may retry when a backend is unavailable. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * The one exception filter: every error leaves as `application/problem+json`. A 500 never shows
 * internals; it carries an `error_id` that is also logged with the stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) {
      // Answered already (e.g. 503 request_timeout while the handler still ran): nothing more to send.
      this.logger.debug({ err: exception, method: req.method, path: req.path }, 'Error after the answer');
      return;
    }
    const { body, headers } = this.toProblem(exception, req);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(
    exception: unknown,
    req: Request,
  ): { body: ProblemBody; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return { body: exception.toBody(), headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let detail = exception.message;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const message = (response as { message: unknown }).message;
        detail = Array.isArray(message) ? message.join('; ') : String(message);
      }
      if (status === 404 && detail.startsWith('Cannot ')) detail = `No route for ${req.method} ${req.path}`;
      // Nest maps body-parser's SyntaxError to a bare BadRequestException carrying the parser's message.
      if (status === 400 && exception.constructor === BadRequestException && /JSON/.test(detail)) {
        return {
          body: {
            ...this.generic(400, 'The request body is not valid JSON'),
            code: 'invalid_json',
            type: `${PROBLEM_TYPE_BASE}invalid_json`,
          },
          headers: {},
        };
      }
      if (status < 500) return { body: this.generic(status, detail), headers: {} };
      if (status === 503 && typeof response === 'object' && response !== null && 'details' in response) {
        const body = this.generic(503, 'A dependency is unavailable');
        return { body: { ...body, checks: (response as { details: unknown }).details }, headers: {} };
      }
    }
    const expressError = exception as ExpressLikeError;
    const status = expressError?.status ?? expressError?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail =
        expressError.type === 'entity.parse.failed'
          ? 'The request body is not valid JSON'
          : expressError.type === 'entity.too.large'
            ? 'The request body is too large'
            : expressError.expose && expressError.message
              ? expressError.message
              : problemTitle(status);
      const code =
        expressError.type === 'entity.parse.failed'
          ? 'invalid_json'
          : (STATUS_CODES[status] ?? 'bad_request');
      return {
        body: { ...this.generic(status, detail), code, type: `${PROBLEM_TYPE_BASE}${code}` },
        headers: {},
      };
    }
    const database = databaseProblem(exception);
    if (database) return database;
    const errorId = `err_${ulid()}`;
    if (isBackendUnavailable(exception)) {
      // Not a bug to chase with a stack trace: the client is told to retry later.
      this.logger.warn(
        { error_id: errorId, method: req.method, path: req.path, reason: (exception as Error).message },
        `Backend unavailable ${errorId}`,
      );
      return {
        body: {
          ...this.generic(503, 'A service the api depends on is unavailable; retry later'),
          error_id: errorId,
        },
        headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
      };
    }
    this.logger.error(
      { err: exception, error_id: errorId, method: req.method, path: req.path },
      `Unhandled error ${errorId}`,
    );
    return {
      body: {
        ...this.generic(500, `An unexpected error occurred; quote ${errorId} when reporting it`),
        code: 'internal_error',
        type: `${PROBLEM_TYPE_BASE}internal_error`,
        error_id: errorId,
      },
      headers: {},
    };
  }

  private generic(status: number, detail: string): ProblemBody {
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    return { type: `${PROBLEM_TYPE_BASE}${code}`, title: problemTitle(status), status, detail, code };
  }
}
