import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  error_id?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_TYPE_BASE = 'https://docs.csms.dev/problems/';

export function problemTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/**
 * An error that becomes an RFC 9457 problem-details response. `code` is stable and machine-readable;
 * `extra` members are added to the body (e.g. `missing_steps`).
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; [key: string]: unknown } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, detail }, status);
  }

  toBody(): ProblemBody {
    const status = this.getStatus();
    return {
      type: `${PROBLEM_TYPE_BASE}${this.code}`,
      title: problemTitle(status),
      status,
      detail: this.detail,
      code: this.code,
      ...this.extra,
    };
  }
}

export const Problems = {
  validation: (errors: FieldError[], detail?: string) =>
    new ProblemException(
      HttpStatus.BAD_REQUEST,
      'validation_failed',
      detail ?? `Invalid request: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
      { errors },
    ),
  badRequest: (code: string, detail: string, extra?: Record<string, unknown>) =>
    new ProblemException(HttpStatus.BAD_REQUEST, code, detail, extra),
  unauthorized: (detail = 'Missing or invalid credentials') =>
    new ProblemException(HttpStatus.UNAUTHORIZED, 'unauthorized', detail),
  forbidden: (detail = 'You do not have permission to perform this action', code = 'forbidden') =>
    new ProblemException(HttpStatus.FORBIDDEN, code, detail),
  notFound: (resource: string, id?: string) =>
    new ProblemException(
      HttpStatus.NOT_FOUND,
      'not_found',
      id ? `${resource} ${id} was not found` : `${resource} was not found`,
    ),
  conflict: (code: string, detail: string, extra?: Record<string, unknown>) =>
    new ProblemException(HttpStatus.CONFLICT, code, detail, extra),
  gone: (code: string, detail: string) => new ProblemException(HttpStatus.GONE, code, detail),
  unprocessable: (code: string, detail: string, extra?: Record<string, unknown>) =>
    new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, code, detail, extra),
  rateLimited: (retryAfterSeconds: number, detail = 'Too many requests; retry later') =>
    new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      'rate_limited',
      detail,
      {},
      {
        'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
      },
    ),
};
