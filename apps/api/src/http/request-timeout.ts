import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_TYPE_BASE, ProblemBody, problemTitle } from '@csms/common';

export const REQUEST_TIMEOUT_CODE = 'request_timeout';

export function requestTimeoutProblem(): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_BASE}${REQUEST_TIMEOUT_CODE}`,
    title: problemTitle(503),
    status: 503,
    detail: 'The request took too long to process; nothing was changed unless a later read shows it',
    code: REQUEST_TIMEOUT_CODE,
  };
}

/**
 * Answers 503 `request_timeout` when a request is still unanswered after `timeoutMs` (a handler
 * waiting on a slow dependency). The database side ends earlier on its own: each SQL statement of the
 * api runs under a `statement_timeout` of 80% of this, so a write blocked on a lock is cancelled, its
 * transaction rolled back, and the filter answers the same 503 before this timer fires. A late answer
 * of the handler is dropped by the exception filter.
 */
export function requestTimeout(timeoutMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded) return;
      res.setHeader('Retry-After', '1');
      res.setHeader('Connection', 'close');
      res.status(503).type('application/problem+json').send(JSON.stringify(requestTimeoutProblem()));
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
