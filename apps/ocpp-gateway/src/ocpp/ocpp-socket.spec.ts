import { AddressInfo } from 'node:net';
import { RPCError, TimeoutError } from 'ocpp-rpc';
import WebSocket, { WebSocketServer } from 'ws';
import { OcppSocket, OcppSocketHooks, SchemaValidator } from './ocpp-socket';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VALIDATORS = require('ocpp-rpc/lib/standard-validators') as SchemaValidator[];
const V16 = VALIDATORS.find((v) => v.subprotocol === 'ocpp1.6')!;

/** A server-side OcppSocket and the raw websocket of the charger at the other end, on loopback. */
async function pair(hooks: Partial<OcppSocketHooks> = {}, callTimeoutMs = 5000) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const charger = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: unknown[][] = [];
  charger.on('message', (data) => received.push(JSON.parse(data.toString()) as unknown[]));
  await new Promise((resolve) => charger.once('open', resolve));
  const closed: Array<{ code: number; reason: string }> = [];
  const socket = new OcppSocket(
    await accepted,
    { identity: 'CP1', protocol: 'ocpp1.6', validator: V16, maxBadMessages: 3, callTimeoutMs },
    {
      handles: (action) => action === 'Heartbeat',
      call: async () => ({ currentTime: new Date().toISOString() }),
      frame: () => undefined,
      badMessage: () => undefined,
      invalidResponse: () => undefined,
      closed: (code, reason) => closed.push({ code, reason }),
      ...hooks,
    },
  );
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  const end = async () => {
    charger.terminate();
    await new Promise((resolve) => wss.close(resolve));
  };
  return { socket, charger, received, closed, until, end };
}

describe('OcppSocket', () => {
  it('answers a CALL, and refuses a duplicate message id while the first is being answered', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const t = await pair({
      call: async () => {
        await held;
        return { currentTime: '2026-01-01T00:00:00.000Z' };
      },
    });
    try {
      t.charger.send(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
      t.charger.send(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
      await t.until(() => t.received.length === 1);
      expect(t.received[0]).toEqual([4, 'h1', 'FormationViolation', expect.stringContaining('h1'), {}]);
      release();
      await t.until(() => t.received.length === 2);
      expect(t.received[1]).toEqual([3, 'h1', { currentTime: '2026-01-01T00:00:00.000Z' }]);
    } finally {
      await t.end();
    }
  });

  it('answers InternalError when our answer fails the schema, and the RPCError of a failing handler', async () => {
    const invalid: string[] = [];
    let answer: () => Promise<unknown> = async () => ({ currentTime: 'not a date' });
    const t = await pair({ call: () => answer(), invalidResponse: (action) => invalid.push(action) });
    try {
      t.charger.send(JSON.stringify([2, 'a', 'Heartbeat', {}]));
      await t.until(() => t.received.length === 1);
      expect(t.received[0]).toEqual([4, 'a', 'InternalError', '', {}]);
      expect(invalid).toEqual(['Heartbeat']);
      answer = async () => {
        throw new (class extends RPCError {
          override rpcErrorCode = 'SecurityError';
        })('Not yet accepted');
      };
      t.charger.send(JSON.stringify([2, 'b', 'Heartbeat', {}]));
      await t.until(() => t.received.length === 2);
      expect(t.received[1]).toEqual([4, 'b', 'SecurityError', 'Not yet accepted', {}]);
    } finally {
      await t.end();
    }
  });

  it('sends its own CALLs one at a time and matches each answer', async () => {
    const t = await pair();
    try {
      const first = t.socket.call('Reset', { type: 'Soft' });
      const second = t.socket.call('ClearCache', {});
      await t.until(() => t.received.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(t.received).toHaveLength(1); // the second waits for the first's answer
      const [type, id, action, payload] = t.received[0];
      expect([type, action, payload]).toEqual([2, 'Reset', { type: 'Soft' }]);
      t.charger.send(JSON.stringify([3, id, { status: 'Accepted' }]));
      await expect(first).resolves.toEqual({ status: 'Accepted' });
      await t.until(() => t.received.length === 2);
      const [, id2, action2] = t.received[1];
      expect(action2).toBe('ClearCache');
      t.charger.send(JSON.stringify([4, id2, 'NotSupported', 'No cache', {}]));
      await expect(second).rejects.toMatchObject({ rpcErrorCode: 'NotSupported', message: 'No cache' });
    } finally {
      await t.end();
    }
  });

  it('rejects a CALL whose answer fails the schema, one that times out, and those pending at close', async () => {
    const t = await pair({}, 200);
    try {
      const invalid = t.socket.call('Reset', { type: 'Soft' });
      await t.until(() => t.received.length === 1);
      t.charger.send(JSON.stringify([3, t.received[0][1], { status: 'Perhaps' }]));
      await expect(invalid).rejects.toBeInstanceOf(RPCError);

      await expect(t.socket.call('Reset', { type: 'Soft' })).rejects.toBeInstanceOf(TimeoutError);
      // The answer that comes too late is a bad frame, not the next call's answer.
      const late = t.received[1][1];
      const third = t.socket.call('Reset', { type: 'Hard' });
      const queued = t.socket.call('ClearCache', {});
      await t.until(() => t.received.length === 3);
      t.charger.send(JSON.stringify([3, late, { status: 'Accepted' }]));
      t.charger.close(1000);
      await expect(third).rejects.toThrow('Client disconnected');
      await expect(queued).rejects.toThrow('Client disconnected');
      await t.until(() => t.closed.length === 1);
      expect(t.closed[0].code).toBe(1000);
      // Closing a socket that is already closed answers how it closed.
      await expect(t.socket.close({ code: 4001 })).resolves.toEqual({ code: 1000, reason: '' });
    } finally {
      await t.end();
    }
  });

  it('refuses to send a CALL that fails the schema', async () => {
    const t = await pair();
    try {
      await expect(t.socket.call('Reset', { type: 'Sideways' })).rejects.toBeInstanceOf(RPCError);
      expect(t.received).toEqual([]);
    } finally {
      await t.end();
    }
  });
});
