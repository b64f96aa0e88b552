import type { RPCClient } from 'ocpp-rpc';
import WebSocket from 'ws';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { Protocol, aChargePoint, connectCharger, eventually } from './support/chargers';
import { SignedUp, signUp } from './support/session';

const MAX_BAD_MESSAGES = 5;
const MAX_PAYLOAD_BYTES = 64 * 1024;

type Frame = unknown[];

/** A charger speaking raw websocket frames: sends anything, records every frame the gateway sends. */
class RawCharger {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private closeInfo = '';
  private waiters: Array<() => void> = [];
  private seq = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeInfo = `${code} ${reason.toString()}`;
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  static open(port: number, identity: string, password: string, protocol: Protocol): Promise<RawCharger> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ocpp/${identity}`, [protocol], {
      headers: { Authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawCharger(ws)));
      ws.once('error', reject);
    });
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next frame the gateway sends that is not a CALL of its own (an answer to us). */
  async nextAnswer(timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f[0] !== 2);
      if (index >= 0) return this.frames.splice(index, 1)[0];
      if (this.ws.readyState !== WebSocket.OPEN)
        throw new Error(`connection closed while waiting (${this.closeInfo})`);
      if (Date.now() > deadline) throw new Error('no answer from the gateway');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** A well-formed CALL; resolves with the gateway's answer frame. */
  async call(action: string, payload: unknown): Promise<Frame> {
    const id = `ok-${++this.seq}`;
    this.send(JSON.stringify([2, id, action, payload]));
    const answer = await this.nextAnswer();
    expect(answer[1]).toBe(id);
    return answer;
  }
}

const HEARTBEAT = ['Heartbeat', {}] as const;

/** Error codes each OCPP-J version defines for a CALLERROR. */
const SPEC_CODES: Record<Protocol, string[]> = {
  'ocpp1.6': [
    'NotImplemented',
    'NotSupported',
    'InternalError',
    'ProtocolError',
    'SecurityError',
    'FormationViolation',
    'PropertyConstraintViolation',
    'OccurrenceConstraintViolation',
    'TypeConstraintViolation',
    'GenericError',
  ],
  'ocpp2.0.1': [
    'FormatViolation',
    'GenericError',
    'InternalError',
    'MessageTypeNotSupported',
    'NotImplemented',
    'NotSupported',
    'OccurrenceConstraintViolation',
    'PropertyConstraintViolation',
    'ProtocolError',
    'RpcFrameworkError',
    'SecurityError',
    'TypeConstraintViolation',
  ],
};

interface FrameCase {
  name: string;
  frame: string | Buffer;
  binary?: boolean;
  /** The CALLERROR expected (message id and code per version), or none: the frame is ignored. */
  expect: { id: string; code: Record<Protocol, string> } | 'ignored';
}

const framing = { 'ocpp1.6': 'FormationViolation', 'ocpp2.0.1': 'RpcFrameworkError' };
const both = (code: string) => ({ 'ocpp1.6': code, 'ocpp2.0.1': code });

/** Frames no charger should send, the same for both versions. */
const FRAME_CASES: FrameCase[] = [
  { name: 'invalid JSON', frame: '{"not json', expect: { id: '-1', code: framing } },
  { name: 'truncated array', frame: '[2,"t1","Heartbeat"', expect: { id: '-1', code: framing } },
  { name: 'an object, not an array', frame: '{"a":1}', expect: { id: '-1', code: framing } },
  { name: 'a string', frame: '"Heartbeat"', expect: { id: '-1', code: framing } },
  { name: 'a number', frame: '42', expect: { id: '-1', code: framing } },
  { name: 'null', frame: 'null', expect: { id: '-1', code: framing } },
  { name: 'an empty array', frame: '[]', expect: { id: '-1', code: framing } },
  {
    name: 'message type as a string',
    frame: '["2","t2","Heartbeat",{}]',
    expect: { id: 't2', code: framing },
  },
  {
    name: 'unknown message type 5',
    frame: '[5,"t3","Heartbeat",{}]',
    expect: { id: 't3', code: { 'ocpp1.6': 'NotSupported', 'ocpp2.0.1': 'MessageTypeNotSupported' } },
  },
  {
    name: 'unknown message type 0',
    frame: '[0,"t4"]',
    expect: { id: 't4', code: { 'ocpp1.6': 'NotSupported', 'ocpp2.0.1': 'MessageTypeNotSupported' } },
  },
  { name: 'CALL with a numeric id', frame: '[2,123,"Heartbeat",{}]', expect: { id: '-1', code: framing } },
  { name: 'CALL with a null id', frame: '[2,null,"Heartbeat",{}]', expect: { id: '-1', code: framing } },
  { name: 'CALL without an action', frame: '[2,"t5"]', expect: { id: 't5', code: framing } },
  { name: 'CALL with a numeric action', frame: '[2,"t6",42,{}]', expect: { id: 't6', code: framing } },
  {
    name: 'CALL with a string payload',
    frame: '[2,"t7","Heartbeat","payload"]',
    expect: { id: 't7', code: both('TypeConstraintViolation') },
  },
  {
    name: 'CALL with an array payload',
    frame: '[2,"t8","Heartbeat",[]]',
    expect: { id: 't8', code: both('TypeConstraintViolation') },
  },
  {
    name: 'CALL with a null payload',
    frame: '[2,"t9","Heartbeat",null]',
    expect: { id: 't9', code: both('TypeConstraintViolation') },
  },
  {
    name: 'CALL with a deeply nested payload',
    frame: `[2,"t10","Heartbeat",${'['.repeat(5000)}${']'.repeat(5000)}]`,
    expect: { id: 't10', code: both('TypeConstraintViolation') },
  },
  {
    name: 'CALL of an unknown action',
    frame: '[2,"t11","MakeCoffee",{}]',
    expect: { id: 't11', code: both('NotImplemented') },
  },
  { name: 'CALLRESULT for an unknown id', frame: '[3,"nobody-asked",{}]', expect: 'ignored' },
  {
    name: 'CALLERROR for an unknown id',
    frame: '[4,"nobody-asked","GenericError","",{}]',
    expect: 'ignored',
  },
  { name: 'an empty frame', frame: '', expect: 'ignored' },
  {
    name: 'a binary frame',
    frame: Buffer.from([0xff, 0x00, 0xfe, 0x01]),
    binary: true,
    expect: { id: '-1', code: framing },
  },
];

/** Payloads failing each version's schema: [action, payload, code]. */
const SCHEMA_CASES: Record<Protocol, Array<[string, string, unknown, string]>> = {
  'ocpp1.6': [
    ['missing field', 'BootNotification', { chargePointVendor: 'Acme' }, 'OccurrenceConstraintViolation'],
    [
      'wrong type',
      'StatusNotification',
      { connectorId: 'one', errorCode: 'NoError', status: 'Available' },
      'TypeConstraintViolation',
    ],
    [
      'string too long',
      'BootNotification',
      { chargePointVendor: 'A'.repeat(40_000), chargePointModel: 'X' },
      'FormationViolation',
    ],
    ['unknown field', 'Heartbeat', { extra: true }, 'PropertyConstraintViolation'],
    [
      'value outside the enum',
      'StatusNotification',
      { connectorId: 1, errorCode: 'Melted', status: 'Available' },
      'PropertyConstraintViolation',
    ],
    [
      'bad date-time',
      'StartTransaction',
      { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: 'yesterday' },
      'FormationViolation',
    ],
    ['action of the other version', 'TransactionEvent', {}, 'NotImplemented'],
  ],
  'ocpp2.0.1': [
    ['missing field', 'BootNotification', { reason: 'PowerUp' }, 'OccurrenceConstraintViolation'],
    [
      'wrong type',
      'BootNotification',
      { reason: 'PowerUp', chargingStation: { model: 1, vendorName: 'A' } },
      'TypeConstraintViolation',
    ],
    [
      'string too long',
      'BootNotification',
      { reason: 'PowerUp', chargingStation: { model: 'M'.repeat(40_000), vendorName: 'A' } },
      'FormatViolation',
    ],
    ['unknown field', 'Heartbeat', { extra: true }, 'PropertyConstraintViolation'],
    [
      'value outside the enum',
      'StatusNotification',
      { timestamp: new Date().toISOString(), connectorStatus: 'Melted', evseId: 1, connectorId: 1 },
      'PropertyConstraintViolation',
    ],
    [
      'bad date-time',
      'StatusNotification',
      { timestamp: 'yesterday', connectorStatus: 'Available', evseId: 1, connectorId: 1 },
      'FormatViolation',
    ],
    ['action of the other version', 'StartTransaction', {}, 'NotImplemented'],
  ],
};

const BOOT: Record<Protocol, unknown> = {
  'ocpp1.6': { chargePointVendor: 'Acme', chargePointModel: 'Fuzz' },
  'ocpp2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Fuzz' } },
};

describe('OCPP gateway under malformed frames', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  let witness: RPCClient;
  const open: RawCharger[] = [];
  /** Heartbeats of a well-behaved charger on the same gateway, all along. */
  const heartbeats = { answered: 0, failed: [] as string[], stop: false };
  let heartbeatLoop: Promise<void>;

  const rawCharger = async (protocol: Protocol) => {
    const cp = await aChargePoint(api, owner.token, {
      ocpp_version: protocol === 'ocpp1.6' ? '1.6' : '2.0.1',
    });
    const raw = await RawCharger.open(gateway.port, cp.id, cp.password, protocol);
    open.push(raw);
    return raw;
  };

  beforeAll(async () => {
    stack = await createTestStack({
      OCPP_MAX_BAD_MESSAGES: String(MAX_BAD_MESSAGES),
      OCPP_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    });
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api);
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
    witness = await connectCharger({ port: gateway.port, identity: cp.id, password: cp.password });
    await witness.call('BootNotification', BOOT['ocpp1.6']);
    heartbeatLoop = (async () => {
      while (!heartbeats.stop) {
        try {
          const answer = (await witness.call('Heartbeat', {})) as { currentTime?: string };
          if (answer.currentTime) heartbeats.answered += 1;
          else heartbeats.failed.push(`unexpected answer ${JSON.stringify(answer)}`);
        } catch (err) {
          heartbeats.failed.push((err as Error).message);
        }
      }
    })();
    await eventually(
      async () => heartbeats.answered,
      (n) => n >= 3,
      15_000,
    );
  });

  afterAll(async () => {
    heartbeats.stop = true;
    await heartbeatLoop;
    await witness?.close({ force: true });
    for (const raw of open) raw.ws.terminate();
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  /** Every answer of the well-behaved charger so far, and it keeps being answered. */
  async function expectWitnessServed(): Promise<void> {
    const before = heartbeats.answered;
    const after = await eventually(
      async () => heartbeats.answered,
      (n) => n >= before + 2,
      15_000,
    );
    expect(after).toBeGreaterThanOrEqual(before + 2);
    expect(heartbeats.failed).toEqual([]);
  }

  describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s', (protocol) => {
    it('answers each malformed frame with the CALLERROR of the spec (or ignores it) and stays connected', async () => {
      const raw = await rawCharger(protocol);
      expect((await raw.call('BootNotification', BOOT[protocol]))[2]).toMatchObject({ status: 'Accepted' });
      const seen: string[] = [];
      for (const c of FRAME_CASES) {
        raw.send(c.frame, c.binary);
        if (c.expect === 'ignored') {
          // Nothing comes back for it: the next answer is the heartbeat's.
          const [type, , result] = await raw.call(...HEARTBEAT);
          expect([c.name, type, result]).toEqual([c.name, 3, { currentTime: expect.any(String) }]);
        } else {
          const answer = await raw.nextAnswer();
          expect([c.name, answer[0], answer[1], answer[2]]).toEqual([
            c.name,
            4,
            c.expect.id,
            c.expect.code[protocol],
          ]);
          expect(SPEC_CODES[protocol]).toContain(answer[2]);
          expect(typeof answer[3]).toBe('string');
          expect(answer[4]).toEqual(expect.any(Object));
          // A good message resets the count of bad ones in a row.
          expect((await raw.call(...HEARTBEAT))[0]).toBe(3);
        }
        seen.push(c.name);
      }
      expect(seen).toHaveLength(FRAME_CASES.length);
      expect(raw.ws.readyState).toBe(WebSocket.OPEN);
      await expectWitnessServed();
    });

    it('answers payloads failing the schema with the matching CALLERROR code', async () => {
      const raw = await rawCharger(protocol);
      await raw.call('BootNotification', BOOT[protocol]);
      for (const [name, action, payload, code] of SCHEMA_CASES[protocol]) {
        const answer = await raw.call(action, payload);
        expect([name, answer[0], answer[2]]).toEqual([name, 4, code]);
        expect(SPEC_CODES[protocol]).toContain(answer[2]);
      }
      expect((await raw.call(...HEARTBEAT))[0]).toBe(3);
      await expectWitnessServed();
    });

    it(`closes the connection (1002) after ${MAX_BAD_MESSAGES} bad frames in a row, and the charger can come back`, async () => {
      const raw = await rawCharger(protocol);
      for (let i = 0; i < MAX_BAD_MESSAGES + 1; i++) raw.send(`{"bad frame ${i}`);
      const closed = await raw.closed;
      expect(closed.code).toBe(1002);
      const errors = raw.frames.filter((f) => f[0] === 4);
      expect(errors).toHaveLength(MAX_BAD_MESSAGES);
      await expectWitnessServed();
    });

    it(`closes the connection (1009) on a frame above ${MAX_PAYLOAD_BYTES} bytes`, async () => {
      const raw = await rawCharger(protocol);
      const huge = JSON.stringify([
        2,
        'big',
        'DataTransfer',
        { vendorId: 'Acme', data: 'x'.repeat(MAX_PAYLOAD_BYTES) },
      ]);
      raw.send(huge);
      const closed = await raw.closed;
      expect(closed.code).toBe(1009);
      await expectWitnessServed();
      // A frame just under the limit is read and answered.
      const again = await rawCharger(protocol);
      await again.call('BootNotification', BOOT[protocol]);
      const near = await again.call('DataTransfer', {
        vendorId: 'Acme',
        data: 'x'.repeat(MAX_PAYLOAD_BYTES - 200),
      });
      expect([3, 4]).toContain(near[0]);
      expect(again.ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  it('keeps answering the well-behaved charger after many misbehaving connections come and go', async () => {
    const burst = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const raw = await rawCharger(i % 2 ? 'ocpp1.6' : 'ocpp2.0.1');
        for (let j = 0; j <= MAX_BAD_MESSAGES; j++) raw.send(j % 2 ? '[5,"x"]' : 'garbage');
        return raw.closed;
      }),
    );
    expect(burst.map((c) => c.code)).toEqual(Array(10).fill(1002));
    await expectWitnessServed();
    const health = await gateway.http().get('/health');
    expect(health.status).toBe(200);
  });
});
