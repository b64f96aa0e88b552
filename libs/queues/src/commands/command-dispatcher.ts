import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { Clock } from '@csms/common';
import { Command, CommandState } from '@csms/domain';
import { ConnectionRegistry } from '../connection-registry';
import { CommandProducer } from './command-producer';

export type RouteOutcome = 'enqueued' | 'parked' | 'offline' | 'expired' | 'unchanged';

/**
 * Moves `queued` command rows onto the queue of the node that holds their charger. Every move is a
 * conditional update on (state, node, dispatch count) first, so two movers racing (a reconciler, a
 * sweeper, a worker that re-checked the registry, a node that just accepted the charger) put the
 * command on one queue only; then the job is added.
 */
@Injectable()
export class CommandDispatcher {
  private readonly logger = new Logger('CommandDispatcher');

  constructor(
    private readonly db: DataSource,
    private readonly registry: ConnectionRegistry,
    private readonly producer: CommandProducer,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds the job of a command that was inserted already assigned to its node (state `queued`, `node_id`
   * and `dispatches` set in the same statement): what {@link assign} does after its update.
   */
  async enqueueAssigned(command: Command): Promise<void> {
    if (command.state !== 'queued' || command.nodeId === null) return;
    await this.producer.enqueue(
      command.nodeId,
      { commandId: command.id, chargePointId: command.chargePointId },
      command.dispatches,
    );
  }

  /** Puts a queued command on `nodeId`'s queue (a new dispatch); false when someone else moved it first. */
  async assign(command: Command, nodeId: string): Promise<boolean> {
    const next = command.dispatches + 1;
    const result = await this.db.getRepository(Command).update(
      {
        id: command.id,
        state: 'queued',
        dispatches: command.dispatches,
        nodeId: command.nodeId === null ? IsNull() : command.nodeId,
      },
      { nodeId, dispatches: next },
    );
    if (!result.affected) return false;
    command.nodeId = nodeId;
    command.dispatches = next;
    await this.producer.enqueue(
      nodeId,
      { commandId: command.id, chargePointId: command.chargePointId },
      next,
    );
    return true;
  }

  /**
   * Routes a queued command to its charger's current node; a charger that is offline parks a command
   * that may wait for it (expiry set) and fails one that may not.
   */
  async route(command: Command): Promise<RouteOutcome> {
    if (command.expiresAt && command.expiresAt.getTime() <= this.clock.nowMs()) {
      const done = await this.finishQueued(command, 'timed_out', {
        errorCode: 'expired',
        errorReason: 'The charge point did not reconnect before the command expired',
      });
      return done ? 'expired' : 'unchanged';
    }
    const nodeId = await this.registry.nodeOf(command.chargePointId);
    if (nodeId) return (await this.assign(command, nodeId)) ? 'enqueued' : 'unchanged';
    if (command.expiresAt) {
      if (command.nodeId === null) return 'parked';
      const result = await this.db
        .getRepository(Command)
        .update(
          { id: command.id, state: 'queued', dispatches: command.dispatches, nodeId: command.nodeId },
          { nodeId: null },
        );
      command.nodeId = null;
      return result.affected ? 'parked' : 'unchanged';
    }
    const done = await this.finishQueued(command, 'failed', {
      errorCode: 'charge_point_offline',
      errorReason: 'The charge point is not connected',
    });
    return done ? 'offline' : 'unchanged';
  }

  /**
   * Delivers the queued commands waiting for chargers that just connected to `nodeId`, oldest first per
   * charger: one query for all of them (a reconnect storm brings thousands at once). Answers, per
   * charger in the order given, how many commands went on the node's queue.
   */
  async deliverWaiting(chargePointIds: string[], nodeId: string): Promise<number[]> {
    const ids = [...new Set(chargePointIds)];
    const waiting = await this.db.getRepository(Command).find({
      where: [
        { chargePointId: In(ids), state: 'queued', nodeId: IsNull() },
        { chargePointId: In(ids), state: 'queued', nodeId: Not(nodeId) },
      ],
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const delivered = new Map<string, number>();
    for (const command of waiting) {
      try {
        if (command.expiresAt && command.expiresAt.getTime() <= this.clock.nowMs()) {
          await this.route(command);
        } else if (await this.assign(command, nodeId)) {
          delivered.set(command.chargePointId, (delivered.get(command.chargePointId) ?? 0) + 1);
        }
      } catch (err) {
        this.logger.warn({ err, command: command.id }, 'Could not deliver a waiting command');
      }
    }
    return chargePointIds.map((id) => delivered.get(id) ?? 0);
  }

  /** Ends a command that is still queued; false when it had left `queued` already. */
  async finishQueued(
    command: Command,
    state: CommandState,
    fields: Partial<Pick<Command, 'errorCode' | 'errorReason'>>,
  ): Promise<boolean> {
    const result = await this.db
      .getRepository(Command)
      .update({ id: command.id, state: 'queued' }, { state, ...fields });
    if (result.affected) command.state = state;
    return Boolean(result.affected);
  }

  /** Queued commands whose wait for a reconnect ran out. */
  async expireWaiting(): Promise<number> {
    const result = await this.db.getRepository(Command).update(
      { state: In(['queued']), expiresAt: LessThanOrEqual(this.clock.now()) },
      {
        state: 'timed_out',
        errorCode: 'expired',
        errorReason: 'The charge point did not reconnect before the command expired',
      },
    );
    return result.affected ?? 0;
  }
}
