import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';
import type { Principal } from './principal';

interface Entry {
  principal: Principal;
  /** When the credential itself expires (user tokens), in epoch ms; Infinity for API keys. */
  expiresAtMs: number;
  /** When this entry must be looked up again, in epoch ms. */
  freshUntilMs: number;
}

const MAX_ENTRIES = 50_000;

function idOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.tokenId : principal.keyId;
}

/**
 * Verified credentials by the hash of the presented secret, so that a request does not pay a database
 * lookup for a token it showed a moment ago. An entry lives `AUTH_CREDENTIAL_CACHE_SECONDS` at most.
 *
 * Revocation stays immediate: revoking a token or key evicts it here at once and announces it on Redis
 * pub/sub (`{QUEUE_PREFIX}:credentials-revoked`) to every other api process, which evicts it as well. While
 * that subscription is not connected, nothing is cached, so a missed announcement cannot keep a revoked
 * credential alive. In embedded mode (no Redis) there is one api process and the local eviction is all.
 */
@Injectable()
export class CredentialCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CredentialCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly hashById = new Map<string, string>();
  private readonly ttlMs: number;
  private readonly channel: string;
  private subscriber?: Redis;
  /** False while announcements from other processes could be missed (Redis subscription down). */
  private listening: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {
    this.ttlMs = config.auth.credentialCacheSeconds * 1000;
    this.channel = `${config.redis.queuePrefix}:credentials-revoked`;
    this.listening = !redis;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis || this.ttlMs === 0) return;
    const subscriber = this.redis.duplicate({ connectionName: 'credentials-revoked' });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, id: string) => this.evict(id));
    subscriber.on('ready', () => {
      this.listening = true;
    });
    subscriber.on('close', () => {
      if (this.listening) this.logger.warn('Credential revocations unheard: caching paused');
      this.listening = false;
      this.clear();
    });
    subscriber.on('error', () => undefined);
    try {
      await subscriber.subscribe(this.channel);
      this.listening = subscriber.status === 'ready';
    } catch (err) {
      this.logger.warn(`Cannot subscribe to credential revocations: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.listening = false;
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  get(hash: string, nowMs: number): Principal | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (!this.listening || entry.freshUntilMs <= nowMs || entry.expiresAtMs <= nowMs) {
      this.remove(hash, entry);
      return null;
    }
    return entry.principal;
  }

  set(hash: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    if (this.ttlMs === 0 || !this.listening) return;
    if (this.entries.size >= MAX_ENTRIES) this.clear();
    this.entries.set(hash, { principal, expiresAtMs, freshUntilMs: nowMs + this.ttlMs });
    this.hashById.set(idOf(principal), hash);
  }

  /**
   * Forgets a revoked token or key (by its id), or every credential of a user whose account changed (by
   * the user's id), here and in every other api process.
   */
  async revoked(id: string): Promise<void> {
    this.evict(id);
    if (!this.redis || this.ttlMs === 0) return;
    await this.redis.publish(this.channel, id).catch((err: Error) => {
      this.logger.warn(`Could not announce a credential revocation: ${err.message}`);
    });
  }

  private evict(id: string): void {
    const hash = this.hashById.get(id);
    if (hash !== undefined) {
      const entry = this.entries.get(hash);
      if (entry) this.remove(hash, entry);
      else this.hashById.delete(id);
      return;
    }
    for (const [key, entry] of this.entries) {
      if (entry.principal.kind === 'user' && entry.principal.userId === id) this.remove(key, entry);
    }
  }

  private remove(hash: string, entry: Entry): void {
    this.entries.delete(hash);
    this.hashById.delete(idOf(entry.principal));
  }

  private clear(): void {
    this.entries.clear();
    this.hashById.clear();
  }
}
