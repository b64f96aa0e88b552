import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { TimeoutError } from 'ocpp-rpc';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { Command, CommandState, ReservationTransitions } from '@csms/domain';
import {
  CommandDispatcher,
  CommandMappingError,
  claimCommand,
  claimQueuedCommand,
  finishSentCommand,
  releaseClaimedCommand,
  ConnectionRegistry,
  CommandOutcomeFields,
  CommandOutcomes,
  QUEUE_BACKEND,
  type QueueBackend,
  SEND_COMMAND_JOB,
  SendCommandJob,
  gatewayNodeQueue,
  isCommandAction,
  newOcppRequestId,
  ocppSchemaError,
  readCommand,
  toOcppCall,
} from '@csms/queues';
import { ChargerLines } from './charger-lines';
import {
  CHARGER_CONNECTIONS,
  ChargerConnection,
  ChargerConnections,
  versionOfProtocol,
} from './charger-connections';
import { WriteBatcher } from '../charging/write-batcher';

/** The outcome of a command whose payload does not pass the charger's OCPP schema. */
function invalidPayload(schemaError: string, ocppAction: string, version: string) {
  return {
    errorCode: 'invalid_payload',
    errorReason: `The ${ocppAction} payload does not pass the OCPP ${version} schema: ${schemaError}`,
  };
}

/** CALLRESULT statuses that mean the charger declined the command. */
const REJECTING_STATUSES = new Set(['Rejected', 'NotSupported']);

/**
 * This node's command worker: consumes the node's own queue, sends each command's CALL through the
 * charger's connection and records the outcome on the row. Many chargers are served at once, but each
 * charger has one call in flight; its other commands wait in arrival order.
 */
@Injectable()
export class CommandWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CommandWorker');
  private readonly nodeId: string;
  private readonly lines = new ChargerLines();
  private worker?: Worker<SendCommandJob>;
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DataSource,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: CommandDispatcher,
    private readonly outcomes: CommandOutcomes,
    private readonly clock: Clock,
    @Inject(CHARGER_CONNECTIONS) private readonly connections: ChargerConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_BACKEND) private readonly queues: QueueBackend,
  ) {
    this.nodeId = config.gateway.nodeId;
  }

  onApplicationBootstrap(): void {
    this.worker = this.queues.newWorker<SendCommandJob>(
      gatewayNodeQueue(this.nodeId),
      (job) => this.process(job),
      { concurrency: this.config.commands.workerConcurrency },
    );
    this.worker.on('error', (err) => this.logger.warn({ err }, 'Command worker error'));
    // Chargers connecting together (a reconnect storm) share one lookup of their waiting commands.
    const arrivals = new WriteBatcher<string, number>(
      (chargePointIds) => this.dispatcher.deliverWaiting(chargePointIds, this.nodeId),
      { maxBatch: 1000, maxConcurrent: 2 },
    );
    this.unsubscribe = this.connections.onConnected((chargePointId) => {
      arrivals
        .add(chargePointId)
        .catch((err) => this.logger.warn({ err, chargePointId }, 'Could not deliver waiting commands'));
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    // Do not wait for calls in flight: the socket closing ends them, and the sweeper fails any
    // command left `sent` by a node that went away.
    await this.worker?.close(true).catch(() => undefined);
  }

  private async process(job: Job<SendCommandJob>): Promise<void> {
    if (job.name !== SEND_COMMAND_JOB) throw new Error(`No handler for job ${job.name}`);
    await this.lines.run(job.data.chargePointId, () => this.deliver(job.data));
  }

  /**
   * The usual case in one statement: the charger is connected here and the command is queued for this
   * node, unexpired, for the charger's OCPP version; it is claimed as `sent` while the registry is read
   * alongside. Anything else (no row claimed) goes through {@link deliverChecked}.
   */
  private async deliver(job: SendCommandJob): Promise<void> {
    const connection = this.connections.get(job.chargePointId);
    if (!connection) return this.deliverChecked(job);
    const version = versionOfProtocol(connection.protocol);
    const [command, owner] = await Promise.all([
      claimQueuedCommand(this.db, job.commandId, this.nodeId, version, this.clock.now()),
      this.registry.nodeOf(job.chargePointId),
    ]);
    if (!command) return this.deliverChecked(job, owner);
    if (owner && owner !== this.nodeId) {
      // The charger reconnected to another node: put the command back and route it there.
      if (await releaseClaimedCommand(this.db, command.id, this.nodeId)) {
        command.state = 'queued';
        command.sentAt = null;
        const outcome = await this.dispatcher.route(command);
        this.logger.log(
          { command: command.id, outcome, owner },
          'Charger not on this node; command re-routed',
        );
      }
      return;
    }
    const schemaError = ocppSchemaError(version, command.ocppAction, command.payload);
    if (schemaError) {
      await this.failUnsent(command.id, schemaError, command.ocppAction, version);
      return;
    }
    await this.send(command, connection);
  }

  /**
   * Reads the row first and checks it step by step: a re-delivered, expired, moved or re-versioned
   * command. `knownOwner`: the registry's answer when the claim just read it.
   */
  private async deliverChecked(
    { commandId, chargePointId }: SendCommandJob,
    knownOwner?: string | null,
  ): Promise<void> {
    // The row and the charger's registry entry side by side (the job names the row's charger).
    const [command, owner] = await Promise.all([
      readCommand(this.db, commandId),
      knownOwner !== undefined ? knownOwner : this.registry.nodeOf(chargePointId),
    ]);
    // Already sent, answered, moved elsewhere: a duplicate or late job does nothing.
    if (!command || command.state !== 'queued' || command.nodeId !== this.nodeId) return;
    if (command.expiresAt && command.expiresAt.getTime() <= this.clock.nowMs()) {
      await this.dispatcher.route(command); // ends it as timed_out
      return;
    }

    // The registry decides when another live node holds the charger (it reconnected there); a
    // connection on this node is trusted when the registry merely lost its entry.
    const connection =
      owner && owner !== this.nodeId ? undefined : this.connections.get(command.chargePointId);
    if (!connection) {
      const outcome = await this.dispatcher.route(command);
      this.logger.log({ command: command.id, outcome, owner }, 'Charger not on this node; command re-routed');
      return;
    }

    let { ocppAction, payload } = command;
    const version = versionOfProtocol(connection.protocol);
    if (version !== command.ocppVersion) {
      const remapped = this.remap(command, version);
      if ('error' in remapped) {
        await this.dispatcher.finishQueued(command, 'failed', {
          errorCode: 'ocpp_version_changed',
          errorReason: remapped.error,
        });
        return;
      }
      ({ ocppAction, payload } = remapped);
    }
    const schemaError = ocppSchemaError(version, ocppAction, payload);
    if (schemaError) {
      await this.dispatcher.finishQueued(command, 'failed', invalidPayload(schemaError, ocppAction, version));
      return;
    }

    const claim = { sentAt: this.clock.now(), ocppAction, payload, ocppVersion: version };
    if (!(await claimCommand(this.db, command, claim))) return;
    await this.send(Object.assign(command, claim, { state: 'sent' as const }), connection);
  }

  /** A claimed command whose payload fails the schema: failed, and not sent after all. */
  private async failUnsent(id: string, schemaError: string, ocppAction: string, version: string) {
    const failure = invalidPayload(schemaError, ocppAction, version);
    if (await finishSentCommand(this.db, id, 'failed', failure, { unsent: true })) {
      await this.outcomes.publish(id).catch(() => undefined);
    }
  }

  /** Sends a claimed command's CALL (the row as claimed) and records the charger's answer. */
  private async send(sent: Command, connection: ChargerConnection): Promise<void> {
    const { ocppAction, payload } = sent;
    try {
      const response = (await connection.call(ocppAction, payload, {
        callTimeoutMs: this.config.commands.callTimeoutMs,
      })) as Record<string, unknown> | null;
      const status = typeof response?.status === 'string' ? response.status : undefined;
      this.logger.debug(
        { command: sent.id, chargePointId: sent.chargePointId, ocppAction, status },
        'Command answered',
      );
      await this.finishSent(sent, status && REJECTING_STATUSES.has(status) ? 'rejected' : 'answered', {
        response: response ?? {},
        answeredAt: this.clock.now(),
      });
    } catch (err) {
      const e = err as Error & { rpcErrorCode?: string; rpcErrorMessage?: string };
      if (e instanceof TimeoutError) {
        await this.finishSent(sent, 'timed_out', {
          errorCode: 'charger_timeout',
          errorReason: `The charge point did not answer within ${this.config.commands.callTimeoutMs} ms`,
        });
      } else if (e.rpcErrorCode) {
        await this.finishSent(sent, 'failed', {
          errorCode: e.rpcErrorCode,
          errorReason: (e.rpcErrorMessage || e.message || 'CALLERROR').slice(0, 1000),
          answeredAt: this.clock.now(),
        });
      } else {
        await this.finishSent(sent, 'failed', {
          errorCode: 'connection_lost',
          errorReason: `The call could not complete: ${e.message}`.slice(0, 1000),
        });
      }
    }
  }

  private remap(
    command: Command,
    version: '1.6' | '2.0.1',
  ): { ocppAction: string; payload: Record<string, unknown> } | { error: string } {
    // Same payload in both versions: a cancellation queued for an offline charger still reaches it.
    if (command.ocppAction === 'CancelReservation') {
      return { ocppAction: command.ocppAction, payload: command.payload };
    }
    if (!isCommandAction(command.action) || !command.request) {
      return { error: `The charge point reconnected speaking OCPP ${version}` };
    }
    try {
      const previous = command.payload;
      return toOcppCall(command.action, version, command.request, {
        requestId:
          command.remoteStartId ??
          (typeof previous.requestId === 'number' ? previous.requestId : newOcppRequestId()),
        transactionId: previous.transactionId as string | number | undefined,
      });
    } catch (err) {
      const reason = err instanceof CommandMappingError ? err.message : String(err);
      return { error: `The charge point reconnected speaking OCPP ${version}: ${reason}` };
    }
  }

  private async finishSent(
    command: Command,
    state: CommandState,
    fields: Partial<Pick<Command, 'response' | 'errorCode' | 'errorReason' | 'answeredAt'>>,
  ): Promise<void> {
    // Only from `sent`: the sweeper may have failed the command meanwhile. A ReserveNow settles its
    // reservation in the same transaction, so a late answer still makes it active or rejected.
    let recorded = false;
    const record = async (manager: EntityManager) => {
      const result = await manager
        .getRepository(Command)
        .update({ id: command.id, state: 'sent' }, { state, ...fields });
      recorded = Boolean(result.affected);
      if (!recorded || command.ocppAction !== 'ReserveNow') return;
      await ReservationTransitions.applyReserveNow(
        manager,
        {
          chargePointId: command.chargePointId,
          payload: command.payload,
          state,
          response: fields.response ?? null,
          errorCode: fields.errorCode ?? null,
        },
        this.clock.now(),
      );
    };
    const warn = (err: unknown) =>
      this.logger.warn({ err, command: command.id }, 'Could not record a command outcome');
    if (command.ocppAction !== 'ReserveNow') {
      recorded = await finishSentCommand(this.db, command.id, state, fields).catch((err: unknown) => {
        warn(err);
        return false;
      });
    } else {
      await this.db.transaction(record).catch(async (err) => {
        // Never lose the charger's answer over its reservation: record it alone; the reservation sweep
        // settles the reservation from the command row.
        this.logger.warn({ err, command: command.id }, 'Could not settle the reservation of a ReserveNow');
        const alone = await this.db
          .getRepository(Command)
          .update({ id: command.id, state: 'sent' }, { state, ...fields })
          .catch((e: unknown) => (warn(e), undefined));
        recorded = Boolean(alone?.affected);
      });
    }
    // Wake the api request waiting for this command, with what the row now holds.
    if (!recorded) return;
    const outcome: CommandOutcomeFields = {
      state,
      ocppAction: command.ocppAction,
      ocppVersion: command.ocppVersion,
      payload: command.payload,
      response: fields.response ?? null,
      errorCode: fields.errorCode ?? null,
      errorReason: fields.errorReason ?? null,
      nodeId: command.nodeId,
      dispatches: command.dispatches,
      sentAt: command.sentAt,
      answeredAt: fields.answeredAt ?? null,
    };
    await this.outcomes.publish(command.id, outcome).catch(() => undefined);
  }
}
