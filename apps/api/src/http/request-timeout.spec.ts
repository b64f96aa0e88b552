import express from 'express';
import request from 'supertest';
import { requestTimeout } from './request-timeout';

describe('requestTimeout', () => {
  const app = express();
  app.use(requestTimeout(100));
  let lateAnswer: Promise<unknown> = Promise.resolve();
  app.get('/slow', (_req, res) => {
    lateAnswer = new Promise<void>((resolve) =>
      setTimeout(() => {
        // The late answer is dropped: the client already has its 503.
        if (!res.headersSent) res.json({ late: true });
        resolve();
      }, 400),
    );
  });
  app.get('/fast', (_req, res) => void res.json({ ok: true }));

  it('answers 503 request_timeout problem details when the handler does not answer in time', async () => {
    const res = await request(app).get('/slow');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 503, code: 'request_timeout' });
    expect(res.headers['retry-after']).toBe('1');
    await lateAnswer;
  });

  it('leaves answers in time alone', async () => {
    const res = await request(app).get('/fast');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});
