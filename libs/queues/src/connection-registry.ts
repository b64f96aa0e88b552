import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';

/** How long a gateway node counts as alive after its last heartbeat. */
export const NODE_TTL_SECONDS = 30;
/** How often a gateway node should call `heartbeat`. */
export const NODE_HEARTBEAT_SECONDS = 10;

const UNREGISTER_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('SREM', KEYS[2], ARGV[2])
return 1`;

/**
 * The nodes holding the chargers whose entries are KEYS, each kept only while its node's heartbeat key
 * (ARGV[1] .. node) lives, false otherwise: one round trip where MGET then EXISTS took two, on the path
 * of every command and charge point read. The node keys are derived in the script, which a Redis Cluster
 * would refuse; the registry runs on one Redis (or one hash slot).
 */
const LIVE_NODES_OF = `
local nodes = redis.call('MGET', unpack(KEYS))
local alive = {}
for i, node in ipairs(nodes) do
  if node then
    if alive[node] == nil then alive[node] = redis.call('EXISTS', ARGV[1] .. node) == 1 end
    if not alive[node] then nodes[i] = false end
  end
end
return nodes`;

const LIVE_NODES_CHUNK = 1000;

type ScriptedRedis = Redis & {
  csmsLiveNodesOf(numKeys: number, ...args: string[]): Promise<Array<string | null>>;
};

/**
 * Which gateway node holds which charger's websocket: set on connect, cleared on disconnect (only by
 * the node that still owns it), and only trusted while that node's heartbeat lives, so a node that
 * dies takes its chargers "offline" within NODE_TTL_SECONDS without anyone cleaning up.
 * Kept in Redis ({@link RedisConnectionRegistry}) or, in embedded mode, in Postgres
 * ({@link PostgresConnectionRegistry}); both behave the same.
 */
export abstract class ConnectionRegistry {
  abstract register(chargePointId: string, nodeId: string): Promise<void>;
  /** Forgets the charger's connection if `nodeId` still owns it. */
  abstract unregister(chargePointId: string, nodeId: string): Promise<void>;
  /** The live node holding the charger, or null when it is not connected (or its node died). */
  abstract nodeOf(chargePointId: string): Promise<string | null>;
  /** nodeOf for many chargers at once (lists). */
  abstract nodesOf(chargePointIds: string[]): Promise<Map<string, string | null>>;
  /** Keeps the node alive; true when it was alive before this beat (false: first beat, or its entry was lost). */
  abstract heartbeat(nodeId: string, ttlSeconds?: number): Promise<boolean>;
  /**
   * Registers again the chargers a node holds whose entry is missing (Redis restarted empty, a sweeper
   * removed the node after a long pause); an entry naming another node is left alone. Returns how many.
   */
  abstract restore(nodeId: string, chargePointIds: string[]): Promise<number>;
  abstract isNodeAlive(nodeId: string): Promise<boolean>;
  /** Chargers a node registered (for sweeping a dead node's work). */
  abstract chargersOf(nodeId: string): Promise<string[]>;
  /** Forget a node entirely (its own clean shutdown, or a sweeper after it died). */
  abstract removeNode(nodeId: string): Promise<void>;
}

@Injectable()
export class RedisConnectionRegistry extends ConnectionRegistry {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.prefix = `${config.redis.queuePrefix}:registry`;
    if (!('csmsLiveNodesOf' in redis)) redis.defineCommand('csmsLiveNodesOf', { lua: LIVE_NODES_OF });
  }

  private cpKey(chargePointId: string) {
    return `${this.prefix}:cp:${chargePointId}`;
  }
  private nodeKey(nodeId: string) {
    return `${this.prefix}:node:${nodeId}`;
  }
  private nodeChargersKey(nodeId: string) {
    return `${this.prefix}:node-cps:${nodeId}`;
  }

  async register(chargePointId: string, nodeId: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.cpKey(chargePointId), nodeId)
      .sadd(this.nodeChargersKey(nodeId), chargePointId)
      .exec();
  }

  async unregister(chargePointId: string, nodeId: string): Promise<void> {
    await this.redis.eval(
      UNREGISTER_IF_OWNER,
      2,
      this.cpKey(chargePointId),
      this.nodeChargersKey(nodeId),
      nodeId,
      chargePointId,
    );
  }

  async nodeOf(chargePointId: string): Promise<string | null> {
    return (await this.liveNodesOf([chargePointId]))[0];
  }

  async nodesOf(chargePointIds: string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>();
    if (chargePointIds.length === 0) return result;
    const nodes = await this.liveNodesOf(chargePointIds);
    chargePointIds.forEach((id, i) => result.set(id, nodes[i]));
    return result;
  }

  /**
   * In script calls of at most LIVE_NODES_CHUNK chargers (a filter on `connected` asks for every charger
   * of an organization): Lua unpacks a call's keys on its stack, and each call holds Redis alone.
   */
  private async liveNodesOf(chargePointIds: string[]): Promise<Array<string | null>> {
    const chunks: string[][] = [];
    for (let i = 0; i < chargePointIds.length; i += LIVE_NODES_CHUNK) {
      chunks.push(chargePointIds.slice(i, i + LIVE_NODES_CHUNK));
    }
    const answers = await Promise.all(
      chunks.map((ids) =>
        (this.redis as ScriptedRedis).csmsLiveNodesOf(
          ids.length,
          ...ids.map((id) => this.cpKey(id)),
          this.nodeKey(''),
        ),
      ),
    );
    // Lua's false arrives as null.
    return answers.flat().map((node) => node || null);
  }

  async heartbeat(nodeId: string, ttlSeconds = NODE_TTL_SECONDS): Promise<boolean> {
    const results = await this.redis
      .multi()
      .exists(this.nodeKey(nodeId))
      .set(this.nodeKey(nodeId), String(Date.now()), 'EX', ttlSeconds)
      .exec();
    const [err, existed] = results?.[0] ?? [new Error('heartbeat transaction discarded'), 0];
    if (err) throw err;
    return existed === 1;
  }

  async restore(nodeId: string, chargePointIds: string[]): Promise<number> {
    if (chargePointIds.length === 0) return 0;
    const set = this.redis.pipeline();
    for (const cp of chargePointIds) set.set(this.cpKey(cp), nodeId, 'NX');
    const results = (await set.exec()) ?? [];
    const restored = chargePointIds.filter((_cp, i) => !results[i]?.[0] && results[i]?.[1] === 'OK');
    if (restored.length) await this.redis.sadd(this.nodeChargersKey(nodeId), ...restored);
    return restored.length;
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.nodeKey(nodeId))) === 1;
  }

  async chargersOf(nodeId: string): Promise<string[]> {
    return this.redis.smembers(this.nodeChargersKey(nodeId));
  }

  async removeNode(nodeId: string): Promise<void> {
    const chargers = await this.chargersOf(nodeId);
    for (const cp of chargers) await this.unregister(cp, nodeId);
    await this.redis.del(this.nodeKey(nodeId), this.nodeChargersKey(nodeId));
  }
}

/** The registry in Postgres (embedded mode): tables `charger_connections` and `gateway_nodes`. */
@Injectable()
export class PostgresConnectionRegistry extends ConnectionRegistry {
  constructor(private readonly db: DataSource) {
    super();
  }

  async register(chargePointId: string, nodeId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO charger_connections (charge_point_id, node_id) VALUES ($1, $2)
       ON CONFLICT (charge_point_id) DO UPDATE SET node_id = EXCLUDED.node_id`,
      [chargePointId, nodeId],
    );
  }

  async unregister(chargePointId: string, nodeId: string): Promise<void> {
    await this.db.query(`DELETE FROM charger_connections WHERE charge_point_id = $1 AND node_id = $2`, [
      chargePointId,
      nodeId,
    ]);
  }

  async nodeOf(chargePointId: string): Promise<string | null> {
    return (await this.nodesOf([chargePointId])).get(chargePointId) ?? null;
  }

  async nodesOf(chargePointIds: string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>(chargePointIds.map((id) => [id, null]));
    if (chargePointIds.length === 0) return result;
    const rows: Array<{ charge_point_id: string; node_id: string }> = await this.db.query(
      `SELECT c.charge_point_id, c.node_id FROM charger_connections c
       JOIN gateway_nodes n ON n.node_id = c.node_id AND n.expires_at > now()
       WHERE c.charge_point_id = ANY($1)`,
      [chargePointIds],
    );
    for (const row of rows) result.set(row.charge_point_id, row.node_id);
    return result;
  }

  async heartbeat(nodeId: string, ttlSeconds = NODE_TTL_SECONDS): Promise<boolean> {
    // Both parts of the statement see the row as it was before the upsert.
    const rows: Array<{ alive: boolean }> = await this.db.query(
      `WITH before AS (SELECT expires_at > now() AS alive FROM gateway_nodes WHERE node_id = $1),
       beat AS (
         INSERT INTO gateway_nodes (node_id, expires_at) VALUES ($1, now() + make_interval(secs => $2))
         ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at)
       SELECT coalesce((SELECT alive FROM before), false) AS alive`,
      [nodeId, ttlSeconds],
    );
    return rows[0]?.alive === true;
  }

  async restore(nodeId: string, chargePointIds: string[]): Promise<number> {
    if (chargePointIds.length === 0) return 0;
    const rows: unknown[] = await this.db.query(
      `INSERT INTO charger_connections (charge_point_id, node_id)
       SELECT unnest($1::varchar[]), $2
       ON CONFLICT (charge_point_id) DO NOTHING
       RETURNING charge_point_id`,
      [chargePointIds, nodeId],
    );
    return rows.length;
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM gateway_nodes WHERE node_id = $1 AND expires_at > now()`,
      [nodeId],
    );
    return rows.length > 0;
  }

  async chargersOf(nodeId: string): Promise<string[]> {
    const rows: Array<{ charge_point_id: string }> = await this.db.query(
      `SELECT charge_point_id FROM charger_connections WHERE node_id = $1`,
      [nodeId],
    );
    return rows.map((r) => r.charge_point_id);
  }

  async removeNode(nodeId: string): Promise<void> {
    await this.db.query(`DELETE FROM charger_connections WHERE node_id = $1`, [nodeId]);
    await this.db.query(`DELETE FROM gateway_nodes WHERE node_id = $1`, [nodeId]);
  }
}
