import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
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
 * Which gateway node holds which charger's websocket, in Redis: set on connect, cleared on disconnect
 * (only by the node that still owns it), and only trusted while that node's heartbeat key lives, so a
 * node that dies takes its chargers "offline" within NODE_TTL_SECONDS without anyone cleaning up.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = `${config.redis.queuePrefix}:registry`;
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

  /** The live node holding the charger, or null when it is not connected (or its node died). */
  async nodeOf(chargePointId: string): Promise<string | null> {
    const nodeId = await this.redis.get(this.cpKey(chargePointId));
    if (!nodeId) return null;
    return (await this.isNodeAlive(nodeId)) ? nodeId : null;
  }

  /** nodeOf for many chargers at once (lists). */
  async nodesOf(chargePointIds: string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>();
    if (chargePointIds.length === 0) return result;
    const nodes = await this.redis.mget(chargePointIds.map((id) => this.cpKey(id)));
    const distinct = [...new Set(nodes.filter((n): n is string => Boolean(n)))];
    const alive = new Set<string>();
    if (distinct.length) {
      const exists = await Promise.all(distinct.map((n) => this.redis.exists(this.nodeKey(n))));
      distinct.forEach((n, i) => exists[i] && alive.add(n));
    }
    chargePointIds.forEach((id, i) => result.set(id, nodes[i] && alive.has(nodes[i]!) ? nodes[i] : null));
    return result;
  }

  async heartbeat(nodeId: string, ttlSeconds = NODE_TTL_SECONDS): Promise<void> {
    await this.redis.set(this.nodeKey(nodeId), String(Date.now()), 'EX', ttlSeconds);
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.nodeKey(nodeId))) === 1;
  }

  /** Chargers a node registered (for sweeping a dead node's work). */
  async chargersOf(nodeId: string): Promise<string[]> {
    return this.redis.smembers(this.nodeChargersKey(nodeId));
  }

  /** Forget a node entirely (its own clean shutdown, or a sweeper after it died). */
  async removeNode(nodeId: string): Promise<void> {
    const chargers = await this.chargersOf(nodeId);
    for (const cp of chargers) await this.unregister(cp, nodeId);
    await this.redis.del(this.nodeKey(nodeId), this.nodeChargersKey(nodeId));
  }
}
