import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '@csms/common';
import { dataSourceOptions } from '@csms/domain';
import {
  ConnectionRegistry,
  ExpiringCounters,
  Leases,
  PostgresConnectionRegistry,
  PostgresExpiringCounters,
  PostgresLeases,
  RedisConnectionRegistry,
  RedisExpiringCounters,
  RedisLeases,
} from '@csms/queues';
import { TEST_REDIS_URL, createTestDatabase } from './support/databases';

interface Backends {
  registry: ConnectionRegistry;
  counters: ExpiringCounters;
  leases: Leases;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The Redis implementations (external mode) and the Postgres ones (embedded mode) of the registry,
 * the counters and the leases, held to the same behaviour by the same scenarios.
 */
describe.each(['redis', 'postgres'] as const)('coordination on %s', (kind) => {
  let db: DataSource;
  let redis: Redis;
  let dropDatabase: () => Promise<void>;
  let backends: Backends;
  const node = (label: string) => `${label}-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    db = await new DataSource(dataSourceOptions(database.url, { poolSize: 2 })).initialize();
    redis = new Redis(TEST_REDIS_URL);
    const config = { redis: { url: TEST_REDIS_URL, queuePrefix: node('csms-test') } } as AppConfig;
    backends =
      kind === 'redis'
        ? {
            registry: new RedisConnectionRegistry(redis, config),
            counters: new RedisExpiringCounters(redis),
            leases: new RedisLeases(redis),
          }
        : {
            registry: new PostgresConnectionRegistry(db),
            counters: new PostgresExpiringCounters(db),
            leases: new PostgresLeases(db),
          };
  });
  afterAll(async () => {
    await db?.destroy();
    redis?.disconnect();
    await dropDatabase?.();
  });

  it('trusts a registration only while its node heartbeats, and only the owner unregisters', async () => {
    const { registry } = backends;
    const [a, b] = [node('a'), node('b')];
    const cp = `cp_${randomBytes(3).toString('hex')}`;
    await registry.register(cp, a);
    expect(await registry.nodeOf(cp)).toBeNull(); // no heartbeat yet
    await registry.heartbeat(a);
    expect(await registry.nodeOf(cp)).toBe(a);
    expect(await registry.isNodeAlive(a)).toBe(true);

    await registry.heartbeat(b);
    await registry.register(cp, b);
    await registry.unregister(cp, a); // a no longer owns it
    expect(await registry.nodeOf(cp)).toBe(b);
    expect(await registry.nodesOf([cp, 'cp_nobody'])).toEqual(
      new Map([
        [cp, b],
        ['cp_nobody', null],
      ]),
    );
    expect(await registry.chargersOf(b)).toEqual([cp]);

    await registry.unregister(cp, b);
    expect(await registry.nodeOf(cp)).toBeNull();
  });

  it('answers nodesOf for every charger of a large organization, in order, live nodes only', async () => {
    const { registry } = backends;
    const [live, dead] = [node('live'), node('dead')];
    await registry.heartbeat(live);
    const ids = Array.from({ length: 12_000 }, (_, i) => `cp_${i}_${randomBytes(2).toString('hex')}`);
    // Every third on the live node, every third on a node that never beat, the rest not connected.
    await registry.restore(
      live,
      ids.filter((_id, i) => i % 3 === 0),
    );
    await registry.restore(
      dead,
      ids.filter((_id, i) => i % 3 === 1),
    );
    const nodes = await registry.nodesOf(ids);
    expect(nodes.size).toBe(ids.length);
    expect([...nodes.keys()]).toEqual(ids);
    ids.forEach((id, i) => expect(nodes.get(id)).toBe(i % 3 === 0 ? live : null));
    await registry.removeNode(live);
    await registry.removeNode(dead);
  });

  it('takes a node that stops heartbeating offline when its heartbeat runs out, and forgets a removed node', async () => {
    const { registry } = backends;
    const n = node('n');
    const cp = `cp_${randomBytes(3).toString('hex')}`;
    await registry.heartbeat(n, 1);
    await registry.register(cp, n);
    expect(await registry.nodeOf(cp)).toBe(n);
    await sleep(1200);
    expect(await registry.isNodeAlive(n)).toBe(false);
    expect(await registry.nodeOf(cp)).toBeNull();

    await registry.heartbeat(n);
    expect(await registry.nodeOf(cp)).toBe(n);
    await registry.removeNode(n);
    expect(await registry.isNodeAlive(n)).toBe(false);
    expect(await registry.chargersOf(n)).toEqual([]);
  });

  it('tells a node whose entry was lost, and registers its chargers again without taking others', async () => {
    const { registry } = backends;
    const [n, other] = [node('n'), node('other')];
    const [mine, moved] = [`cp_${randomBytes(3).toString('hex')}`, `cp_${randomBytes(3).toString('hex')}`];
    expect(await registry.heartbeat(n)).toBe(false); // first beat
    expect(await registry.heartbeat(n)).toBe(true);
    await registry.heartbeat(other);
    await registry.register(moved, other);
    // The registry forgets the node and its chargers (a sweeper, or Redis restarted empty).
    await registry.removeNode(n);
    expect(await registry.heartbeat(n)).toBe(false);
    expect(await registry.nodeOf(mine)).toBeNull();

    expect(await registry.restore(n, [mine, moved])).toBe(1);
    expect(await registry.nodeOf(mine)).toBe(n);
    expect(await registry.nodeOf(moved)).toBe(other);
    expect(await registry.chargersOf(n)).toEqual([mine]);
    expect(await registry.restore(n, [mine])).toBe(0);
    expect(await registry.restore(n, [])).toBe(0);
  });

  it('counts within a window that starts at the first increment and resets after it', async () => {
    const { counters } = backends;
    const [k1, k2] = [node('count'), node('count')];
    expect(await counters.read([k1, k2])).toEqual([
      { count: 0, ttlSeconds: 0 },
      { count: 0, ttlSeconds: 0 },
    ]);
    await counters.increment([k1, k2], 1);
    await counters.increment([k1], 1);
    const [first, second] = await counters.read([k1, k2]);
    expect(first.count).toBe(2);
    expect(second.count).toBe(1);
    expect(first.ttlSeconds).toBeGreaterThan(0);
    expect(first.ttlSeconds).toBeLessThanOrEqual(1);
    await counters.reset(k2);
    expect((await counters.read([k2]))[0].count).toBe(0);
    await sleep(1100);
    expect((await counters.read([k1]))[0].count).toBe(0);
    await counters.increment([k1], 60);
    expect((await counters.read([k1]))[0].count).toBe(1);
  });

  it('hits counters and reads their new values in one step, in the same window as increment', async () => {
    const { counters } = backends;
    const key = node('hit');
    const other = node('hit-other');
    expect(await counters.hit([key], 60)).toEqual([{ count: 1, ttlSeconds: expect.any(Number) }]);
    await counters.increment([key], 60);
    const [third, first] = await counters.hit([key, other], 60);
    expect(third.count).toBe(3);
    expect(third.ttlSeconds).toBeGreaterThan(0);
    expect(third.ttlSeconds).toBeLessThanOrEqual(60);
    expect(first.count).toBe(1);
    expect((await counters.read([key, other])).map((c) => c.count)).toEqual([3, 1]);
    await counters.reset(key);
    expect((await counters.hit([key], 60))[0].count).toBe(1);
    if (kind === 'redis') {
      // A restarted Redis has forgotten the script: the hit still counts.
      await redis.script('FLUSH');
      expect((await counters.hit([key], 60))[0].count).toBe(2);
    }
  });

  it('grants a lease to one caller until it expires', async () => {
    const { leases } = backends;
    const name = node('lease');
    expect(await leases.tryAcquire(name, 500)).toBe(true);
    expect(await leases.tryAcquire(name, 500)).toBe(false);
    await sleep(600);
    expect(await leases.tryAcquire(name, 500)).toBe(true);
  });
});
