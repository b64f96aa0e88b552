import { once } from 'node:events';
import { IncomingMessage, Server, ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino, { Logger } from 'pino';
import { requestLogging } from './logging';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method?: string; url?: string; headers?: Record<string, string> };
  res?: { statusCode: number };
  responseTime?: number;
  note?: string;
}

describe('requestLogging', () => {
  let lines: Line[];
  let server: Server;
  let port: number;
  let handler: (req: IncomingMessage & { log?: Logger }, res: ServerResponse) => void;

  async function start(level: string): Promise<void> {
    lines = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const root = pino({ level, base: { service: 'test' } }, sink);
    const logging = requestLogging(root);
    server = createServer((req, res) => logging(req, res, () => handler(req, res)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function get(path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; requestId: string }>((resolve, reject) => {
      request({ port, path, headers }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode!, requestId: String(res.headers['x-request-id']) }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('writes one line per request: its id, method, redacted path, credentials marked, status and time', async () => {
    await start('info');
    handler = (req, res) => {
      req.log!.info({ note: 'from the handler' }, 'handling');
      res.end('ok');
    };
    const answer = await get('/api/v1/accept-invitation/secret-token-4711?limit=2', {
      'x-request-id': 'req-check-1',
      authorization: 'Bearer csms_ut_secretsecret',
      'user-agent': 'probe/1',
    });
    await settle();

    expect(answer).toEqual({ status: 200, requestId: 'req-check-1' });
    const handled = lines.find((l) => l.msg === 'handling')!;
    expect(handled.req).toEqual({ id: 'req-check-1' });
    expect(handled.note).toBe('from the handler');
    const done = lines.filter((l) => l.msg === 'request completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      level: 30,
      req: {
        id: 'req-check-1',
        method: 'GET',
        url: '/api/v1/accept-invitation/[REDACTED]?limit=2',
        headers: { 'user-agent': 'probe/1', authorization: '[REDACTED]' },
      },
      res: { statusCode: 200 },
    });
    expect(done[0].responseTime).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('gives a request without a usable X-Request-Id a new one', async () => {
    await start('info');
    handler = (_req, res) => res.end();
    const a = await get('/x', { 'x-request-id': 'has spaces and {braces}' });
    const b = await get('/x');
    await settle();

    expect(a.requestId).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(b.requestId).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.requestId).not.toBe(b.requestId);
    expect(lines.map((l) => l.req?.id)).toEqual([a.requestId, b.requestId]);
  });

  it('logs a 4xx as a warning and a 5xx as an error', async () => {
    await start('info');
    handler = (req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 503;
      res.end();
    };
    await get('/missing');
    await get('/broken');
    await settle();

    expect(lines.map((l) => [l.level, l.msg, l.res?.statusCode])).toEqual([
      [40, 'request completed', 404],
      [50, 'request errored', 503],
    ]);
  });

  it('writes nothing for a level that is off, and nothing for the health probe', async () => {
    await start('warn');
    handler = (req, res) => {
      res.statusCode = req.url === '/denied' ? 403 : 200;
      res.end();
    };
    const probe = await get('/health');
    await get('/api/v1/charge-points');
    await get('/denied');
    await settle();

    expect(probe.requestId).toMatch(/^req_/);
    expect(lines.map((l) => l.req?.url)).toEqual(['/denied']);
  });

  it('marks a request whose client went away before the answer', async () => {
    await start('info');
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    handler = () => arrived(); // never answers
    const client = request({ port, path: '/slow' }).on('error', () => undefined);
    client.end();
    await arrival;
    client.destroy();
    for (let i = 0; i < 50 && lines.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request aborted', req: { url: '/slow' } });
  });
});
