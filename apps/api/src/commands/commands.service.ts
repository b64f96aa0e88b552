import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  Clock,
  Page,
  Problems,
  flattenValidationErrors,
  newId,
  page,
  pageParams,
  isUniqueViolation,
} from '@csms/common';
import { ChargePoint, Command, FINAL_COMMAND_STATES, OcppVersion, queryPrepared } from '@csms/domain';
import { AuthContext } from '@csms/auth';
import {
  CommandAction,
  CommandDispatcher,
  CommandOutcomes,
  bootNotificationTriggerCall,
  chargerPasswordCall,
  CommandMappingError,
  ConnectionRegistry,
  insertCommand,
  isCommandAction,
  newOcppRequestId,
  ocppActionFor,
  readCommand,
  toOcppCall,
  versionsOf,
} from '@csms/queues';
import { ACTION_DTOS, CommandOptionsDto } from './dto/command-actions.dto';
import { CommandView, ListCommandsQueryDto, toCommandView } from './dto/command.view';
import { SESSION_TRANSACTIONS, SessionTransactionLookup } from './session-transactions';

export interface DispatchOptions {
  /** Our action name; `ocpp` (default) for a raw call the platform makes itself. */
  action?: string;
  /** The request in our shape, kept on the row (and used to re-map if the charger changes version). */
  request?: Record<string, unknown> | null;
  /** The OCPP version the payload is for; by default the charge point's. */
  version?: OcppVersion;
  idempotencyKey?: string | null;
  /** Keep the command until the charger reconnects, at most until then. Without it an offline charger is a 409. */
  queueUntil?: Date | null;
  /** Who asked (`usr_`/`key_` id); null for the platform. */
  createdBy?: string | null;
  remoteStartId?: number | null;
}

export interface CommandOutcome {
  view: CommandView;
  /** Whether the command reached a final state (200) or is still on its way (202). */
  final: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const POLL_MS = 50;

/** What a command needs of its charge point. */
type CommandTarget = Pick<ChargePoint, 'id' | 'organizationId' | 'ocppVersion' | 'connectedOcppVersion'>;

/** The charge point of a command, read on every command (a prepared statement, as the command's own rows). */
const COMMAND_TARGET = `SELECT id, organization_id AS "organizationId", ocpp_version AS "ocppVersion",
  connected_ocpp_version AS "connectedOcppVersion"
  FROM charge_points WHERE id = $1 AND organization_id = $2 AND ($3 OR decommissioned_at IS NULL)`;

/**
 * Operator commands: validate the action's request, translate it for the charger's OCPP version,
 * write the command row, put its job on the queue of the node holding the charger, and wait a few
 * seconds for the answer.
 */
@Injectable()
export class CommandsService {
  private readonly logger = new Logger('Commands');

  constructor(
    private readonly db: DataSource,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: CommandDispatcher,
    private readonly outcomes: CommandOutcomes,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_TRANSACTIONS) private readonly sessions: SessionTransactionLookup,
  ) {}

  async execute(
    auth: AuthContext,
    chargePointId: string,
    action: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<CommandOutcome> {
    if (!isCommandAction(action)) {
      throw Problems.notFound('Action', action);
    }
    const dto = this.parseBody(action, body);
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw Problems.badRequest(
        'invalid_idempotency_key',
        'Idempotency-Key must be 1 to 200 printable ASCII characters',
      );
    }
    const { queue_until_reconnect: queue, expires_at: expiresAt, ...fields } = dto;
    const request = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
    if (idempotencyKey) {
      const existing = await this.byIdempotencyKey(auth.orgId, idempotencyKey);
      if (existing) return this.replay(existing, chargePointId, action, request);
    }

    // The row and the connection, side by side (the node is only used once the row says the charger is ours).
    const [cp, nodeId] = await Promise.all([
      this.chargePoint(auth.orgId, chargePointId),
      this.registry.nodeOf(chargePointId),
    ]);
    const queueUntil = queue ? this.queueDeadline(expiresAt!) : null;
    if (!nodeId && !queueUntil) throw this.offline(cp.id);

    const version = this.versionOf(cp);
    const ocppAction = ocppActionFor(action, version);
    if (!ocppAction) {
      throw Problems.unprocessable(
        'action_not_supported',
        `${action} is not available for OCPP ${version} charge points (only ${versionsOf(action).join(', ')})`,
        { ocpp_version: version },
      );
    }
    if (action === 'remote-start') await this.refuseIfReservedForAnother(cp.id, version, request);
    const transactionId = await this.transactionOf(auth.orgId, cp.id, request);
    let mapped;
    try {
      mapped = toOcppCall(action, version, request, { requestId: newOcppRequestId(), transactionId });
    } catch (err) {
      if (err instanceof CommandMappingError) {
        throw Problems.validation([{ field: err.field, message: err.message }]);
      }
      throw err;
    }
    const command = await this.create(cp, nodeId, mapped.ocppAction, mapped.payload, {
      action,
      request,
      version,
      idempotencyKey: idempotencyKey ?? null,
      queueUntil,
      createdBy: auth.actor.id,
      remoteStartId:
        action === 'remote-start' && typeof mapped.payload.remoteStartId === 'number'
          ? mapped.payload.remoteStartId
          : null,
    });
    // With an Idempotency-Key that raced another request, `command` may be the other request's.
    return this.replay(command, cp.id, action, request);
  }

  /**
   * Sends a raw OCPP call on the platform's own behalf (password push, TriggerMessage for an accepted
   * Pending charger, ...) through the same outbox. Does not wait for the answer.
   */
  async dispatch(
    orgId: string,
    chargePointId: string,
    ocppAction: string,
    payload: Record<string, unknown>,
    opts: DispatchOptions = {},
  ): Promise<Command> {
    const cp = await this.chargePoint(orgId, chargePointId);
    const nodeId = await this.registry.nodeOf(cp.id);
    if (!nodeId && !opts.queueUntil) throw this.offline(cp.id);
    return this.create(cp, nodeId, ocppAction, payload, opts);
  }

  /**
   * Pushes a rotated charger password to the charger (1.6 AuthorizationKey in hex, 2.0.1
   * SecurityCtrlr.BasicAuthPassword). The value is redacted in every command view.
   */
  async pushChargerPassword(
    orgId: string,
    chargePointId: string,
    password: string,
    opts: Pick<DispatchOptions, 'queueUntil' | 'createdBy'> = {},
  ): Promise<Command> {
    const cp = await this.chargePoint(orgId, chargePointId);
    const version = this.versionOf(cp);
    const { ocppAction, payload } = chargerPasswordCall(version, password);
    return this.dispatch(orgId, chargePointId, ocppAction, payload, { ...opts, version });
  }

  /** Asks the charger for a new BootNotification (a Pending charger that was just accepted). */
  async triggerBootNotification(
    orgId: string,
    chargePointId: string,
    opts: Pick<DispatchOptions, 'queueUntil' | 'createdBy'> = {},
  ): Promise<Command> {
    const { ocppAction, payload } = bootNotificationTriggerCall();
    return this.dispatch(orgId, chargePointId, ocppAction, payload, opts);
  }

  /** Waits (up to COMMAND_WAIT_MS unless told otherwise) for a command to reach a final state. */
  async awaitOutcome(command: Command, waitMs = this.config.commands.waitMs): Promise<Command> {
    const deadline = Date.now() + waitMs;
    let current = command;
    // A command parked for a reconnect will not move within seconds.
    if (current.state === 'queued' && current.nodeId === null) return current;
    while (!FINAL_COMMAND_STATES.includes(current.state) && Date.now() < deadline) {
      // Woken by the gateway's notice when the charger answered, which carries what it wrote to the row
      // unless that was large; else the row is read (the poll is the fallback).
      const outcome = await this.outcomes.wait(
        command.id,
        Math.min(POLL_MS, Math.max(1, deadline - Date.now())),
      );
      current = outcome
        ? Object.assign(new Command(), current, outcome)
        : ((await readCommand(this.db, command.id)) ?? current);
    }
    return current;
  }

  async get(auth: AuthContext, commandId: string): Promise<CommandView> {
    const command = await this.db
      .getRepository(Command)
      .findOneBy({ id: commandId, organizationId: auth.orgId });
    if (!command) throw Problems.notFound('Command', commandId);
    return toCommandView(command);
  }

  async listForChargePoint(
    auth: AuthContext,
    chargePointId: string,
    query: ListCommandsQueryDto,
  ): Promise<Page<CommandView>> {
    await this.chargePoint(auth.orgId, chargePointId, true);
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(Command).findAndCount({
      where: {
        organizationId: auth.orgId,
        chargePointId,
        ...(query.state ? { state: query.state } : {}),
      },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(rows.map(toCommandView), total, query);
  }

  private parseBody(action: CommandAction, body: unknown): CommandOptionsDto {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw Problems.validation([{ field: 'body', message: 'The body must be a JSON object' }]);
    }
    const dto = plainToInstance(ACTION_DTOS[action], body ?? {}, { enableImplicitConversion: false });
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw Problems.validation(flattenValidationErrors(errors));
    return dto;
  }

  private async create(
    cp: CommandTarget,
    nodeId: string | null,
    ocppAction: string,
    payload: Record<string, unknown>,
    opts: DispatchOptions,
  ): Promise<Command> {
    const command = Object.assign(new Command(), {
      id: newId('cmd'),
      organizationId: cp.organizationId,
      chargePointId: cp.id,
      action: opts.action ?? 'ocpp',
      ocppAction,
      ocppVersion: opts.version ?? this.versionOf(cp),
      request: opts.request ?? null,
      payload,
      state: 'queued',
      response: null,
      errorCode: null,
      errorReason: null,
      // Written already assigned to the charger's node (its first dispatch): one commit, not two.
      nodeId,
      dispatches: nodeId ? 1 : 0,
      expiresAt: opts.queueUntil ?? null,
      idempotencyKey: opts.idempotencyKey ?? null,
      remoteStartId: opts.remoteStartId ?? null,
      createdBy: opts.createdBy ?? null,
      createdAt: this.clock.now(),
      sentAt: null,
      answeredAt: null,
    });
    try {
      await insertCommand(this.db, command);
    } catch (err) {
      const existing =
        opts.idempotencyKey && isUniqueViolation(err)
          ? await this.byIdempotencyKey(cp.organizationId, opts.idempotencyKey)
          : null;
      if (existing) return existing;
      throw err;
    }
    // The row is written: if Redis fails now, the reconciler puts the job on the queue later.
    if (nodeId) {
      await this.dispatcher.enqueueAssigned(command).catch((err) => {
        this.logger.warn({ err, command: command.id }, 'Could not enqueue a command; the reconciler will');
      });
    }
    return command;
  }

  private async replay(
    existing: Command,
    chargePointId: string,
    action: string,
    request: Record<string, unknown>,
  ): Promise<CommandOutcome> {
    if (
      existing.chargePointId !== chargePointId ||
      existing.action !== action ||
      stableJson(existing.request) !== stableJson(request)
    ) {
      throw Problems.unprocessable(
        'idempotency_key_reused',
        `This Idempotency-Key was used for another request (${existing.action} on ${existing.chargePointId})`,
        { command_id: existing.id },
      );
    }
    return this.outcome(await this.awaitOutcome(existing));
  }

  private outcome(command: Command): CommandOutcome {
    return { view: toCommandView(command), final: FINAL_COMMAND_STATES.includes(command.state) };
  }

  private byIdempotencyKey(orgId: string, key: string): Promise<Command | null> {
    return this.db.getRepository(Command).findOneBy({ organizationId: orgId, idempotencyKey: key });
  }

  private async chargePoint(
    orgId: string,
    id: string,
    includeDecommissioned = false,
  ): Promise<CommandTarget> {
    const [cp] = await queryPrepared<CommandTarget>(this.db, COMMAND_TARGET, [
      id,
      orgId,
      includeDecommissioned,
    ]);
    if (!cp) throw Problems.notFound('Charge point', id);
    return cp;
  }

  private versionOf(cp: CommandTarget): OcppVersion {
    const version = cp.connectedOcppVersion ?? (cp.ocppVersion === 'auto' ? null : cp.ocppVersion);
    if (!version) {
      throw Problems.conflict(
        'ocpp_version_unknown',
        `Charge point ${cp.id} has never connected and expects either OCPP version; set its OCPP version first`,
      );
    }
    return version;
  }

  private offline(id: string) {
    return Problems.conflict(
      'charge_point_offline',
      `Charge point ${id} is not connected; send queue_until_reconnect with expires_at to deliver it on reconnect`,
    );
  }

  private queueDeadline(expiresAt: string): Date {
    const at = new Date(expiresAt);
    const now = this.clock.nowMs();
    const max = this.config.commands.maxQueueSeconds;
    if (at.getTime() <= now || at.getTime() > now + max * 1000) {
      throw Problems.validation([
        { field: 'expires_at', message: `expires_at must be in the future and at most ${max} seconds away` },
      ]);
    }
    return at;
  }

  /**
   * A connector held by a pending or active reservation starts only for the reserved id tag
   * (1.6 connectorId, 2.0.1 evseId — the reservation's connector).
   */
  private async refuseIfReservedForAnother(
    chargePointId: string,
    version: OcppVersion,
    request: { evse_id?: unknown; connector_id?: unknown; id_tag?: unknown },
  ): Promise<void> {
    const target = version === '1.6' ? (request.connector_id ?? request.evse_id) : request.evse_id;
    if (typeof target !== 'number' || typeof request.id_tag !== 'string') return;
    const [held] = (await this.db.query(
      `SELECT id FROM reservations
       WHERE charge_point_id = $1 AND connector_id = $2 AND status IN ('pending', 'active')
         AND lower(ocpp_id_tag) <> lower($3)`,
      [chargePointId, target, request.id_tag.trim()],
    )) as Array<{ id: string }>;
    if (held) {
      throw Problems.conflict(
        'connector_reserved',
        `Connector ${target} of charge point ${chargePointId} is reserved for another id tag`,
        { reservation_id: held.id },
      );
    }
  }

  /** Resolves `session_id` through the sessions hook (remote-stop, get-transaction-status). */
  private async transactionOf(
    orgId: string,
    chargePointId: string,
    request: { session_id?: unknown; transaction_id?: unknown },
  ): Promise<string | number | undefined> {
    if (typeof request.session_id !== 'string') return undefined;
    if (request.transaction_id !== undefined) {
      throw Problems.validation([
        { field: 'transaction_id', message: 'send either session_id or transaction_id, not both' },
      ]);
    }
    const tx = await this.sessions.transactionIdOf(orgId, chargePointId, request.session_id);
    if (tx === null) throw Problems.notFound('Session', request.session_id);
    return tx;
  }
}

/** JSON with object keys sorted, to compare two requests whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
