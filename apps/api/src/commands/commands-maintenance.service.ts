import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource, IsNull, LessThan, Not } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock, REDIS } from '@csms/common';
import { Command } from '@csms/domain';
import { CommandDispatcher, CommandProducer, ConnectionRegistry } from '@csms/queues';

/** A row younger than this may still be getting its job from the request that wrote it. */
const RECONCILE_GRACE_MS = 5_000;
/** How long past the call timeout a `sent` command may stay without an outcome. */
const SENT_GRACE_MS = 30_000;
const BATCH = 500;

export interface ReconcileReport {
  checked: number;
  requeued: number;
}

export interface SweepReport {
  expired: number;
  moved: number;
  failed_sent: number;
}

/**
 * Keeps the outbox moving when Redis or a gateway node lets it down: the reconciler re-enqueues
 * `queued` commands whose job is gone; the sweeper moves commands off nodes whose heartbeat expired,
 * ends commands whose reconnect wait ran out, and fails `sent` commands nobody will answer.
 */
@Injectable()
export class CommandsMaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CommandsMaintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    private readonly registry: ConnectionRegistry,
    private readonly producer: CommandProducer,
    private readonly dispatcher: CommandDispatcher,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.commands.sweepIntervalSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run across all api instances per interval (a Redis lock). */
  private async tick(): Promise<void> {
    const lock = `${this.config.redis.queuePrefix}:commands:maintenance-lock`;
    const ttl = Math.max(1000, this.config.commands.sweepIntervalSeconds * 1000 - 500);
    try {
      if ((await this.redis.set(lock, '1', 'PX', ttl, 'NX')) !== 'OK') return;
      await this.reconcile();
      await this.sweep();
    } catch (err) {
      this.logger.warn({ err }, 'Command maintenance run failed');
    }
  }

  /**
   * Re-enqueues queued commands whose BullMQ job is missing (Redis lost it) or ended without moving
   * the row on (a worker error), and commands never enqueued.
   */
  async reconcile(): Promise<ReconcileReport> {
    const cutoff = new Date(this.clock.nowMs() - RECONCILE_GRACE_MS);
    const rows = await this.db.getRepository(Command).find({
      where: { state: 'queued', createdAt: LessThan(cutoff) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: BATCH,
    });
    let requeued = 0;
    for (const command of rows) {
      try {
        if (
          command.nodeId &&
          (await this.producer.hasPendingJob(command.nodeId, command.id, command.dispatches))
        ) {
          continue;
        }
        // Parked commands only move when their charger is back (or their wait ran out).
        const outcome = await this.dispatcher.route(command);
        if (outcome === 'enqueued') requeued++;
      } catch (err) {
        this.logger.warn({ err, command: command.id }, 'Could not reconcile a command');
      }
    }
    if (requeued) this.logger.log({ requeued }, 'Re-enqueued commands whose job was lost');
    return { checked: rows.length, requeued };
  }

  async sweep(): Promise<SweepReport> {
    const expired = await this.dispatcher.expireWaiting();
    const repo = this.db.getRepository(Command);

    let moved = 0;
    const alive = new Map<string, boolean>();
    const isAlive = async (nodeId: string) => {
      if (!alive.has(nodeId)) alive.set(nodeId, await this.registry.isNodeAlive(nodeId));
      return alive.get(nodeId)!;
    };
    const queued = await repo.find({
      where: { state: 'queued', nodeId: Not(IsNull()) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: BATCH,
    });
    const deadNodes = new Set<string>();
    for (const command of queued) {
      if (await isAlive(command.nodeId!)) continue;
      deadNodes.add(command.nodeId!);
      try {
        if ((await this.dispatcher.route(command)) !== 'unchanged') moved++;
      } catch (err) {
        this.logger.warn({ err, command: command.id }, 'Could not move a command off a dead node');
      }
    }
    // Jobs left on a dead node's queue would be no-ops (their rows moved); drop them and its registry entries.
    for (const nodeId of deadNodes) {
      await this.producer.discardNodeQueue(nodeId).catch(() => undefined);
      await this.registry.removeNode(nodeId).catch(() => undefined);
    }

    const overdue = new Date(this.clock.nowMs() - this.config.commands.callTimeoutMs - SENT_GRACE_MS);
    const stuck = await repo.find({
      where: { state: 'sent', sentAt: LessThan(overdue) },
      order: { sentAt: 'ASC' },
      take: BATCH,
    });
    let failedSent = 0;
    for (const command of stuck) {
      const node = command.nodeId ?? 'unknown';
      const nodeState = command.nodeId && (await isAlive(command.nodeId)) ? 'is alive' : 'stopped';
      const result = await repo.update(
        { id: command.id, state: 'sent' },
        {
          state: 'failed',
          errorCode: 'no_answer_recorded',
          errorReason: `No answer was recorded for this call; gateway node ${node} ${nodeState}`,
        },
      );
      failedSent += result.affected ?? 0;
    }
    if (expired || moved || failedSent) {
      this.logger.log({ expired, moved, failed_sent: failedSent }, 'Swept commands');
    }
    return { expired, moved, failed_sent: failedSent };
  }
}
