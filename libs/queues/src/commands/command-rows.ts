import { DataSource } from 'typeorm';
import { Command, CommandState, queryPrepared } from '@csms/domain';

/**
 * The statements of a command's hot path (the api's insert and read-back, the gateway's claim, read and
 * outcome), as named prepared statements: TypeORM building each query and hydrating its row took more
 * of the api's CPU per command than anything else on that path. The rows come back in the entity's
 * shape (camelCase columns; timestamps as Date and jsonb as objects, as pg parses them).
 */
const COMMAND_COLUMNS = `id, organization_id AS "organizationId", charge_point_id AS "chargePointId", action,
  ocpp_action AS "ocppAction", ocpp_version AS "ocppVersion", request, payload, state, response,
  error_code AS "errorCode", error_reason AS "errorReason", node_id AS "nodeId", dispatches,
  expires_at AS "expiresAt", idempotency_key AS "idempotencyKey", remote_start_id AS "remoteStartId",
  created_by AS "createdBy", created_at AS "createdAt", sent_at AS "sentAt", answered_at AS "answeredAt"`;

const READ = `SELECT ${COMMAND_COLUMNS} FROM commands WHERE id = $1`;

const INSERT = `INSERT INTO commands (id, organization_id, charge_point_id, action, ocpp_action, ocpp_version,
  request, payload, state, response, error_code, error_reason, node_id, dispatches, expires_at,
  idempotency_key, remote_start_id, created_by, created_at, sent_at, answered_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`;

const CLAIM = `UPDATE commands SET state = 'sent', sent_at = $4, ocpp_action = $5, payload = $6, ocpp_version = $7
  WHERE id = $1 AND state = 'queued' AND node_id = $2 AND dispatches = $3 RETURNING id`;

const CLAIM_QUEUED = `UPDATE commands SET state = 'sent', sent_at = $4
  WHERE id = $1 AND state = 'queued' AND node_id = $2 AND ocpp_version = $3
    AND (expires_at IS NULL OR expires_at > $4)
  RETURNING ${COMMAND_COLUMNS}`;

const RELEASE = `UPDATE commands SET state = 'queued', sent_at = NULL
  WHERE id = $1 AND state = 'sent' AND node_id = $2 RETURNING id`;

const FINISH_SENT = `UPDATE commands SET state = $2, response = coalesce($3, response),
  error_code = coalesce($4, error_code), error_reason = coalesce($5, error_reason),
  answered_at = coalesce($6, answered_at), sent_at = CASE WHEN $7 THEN NULL ELSE sent_at END
  WHERE id = $1 AND state = 'sent' RETURNING id`;

/** jsonb parameters as JSON text: node-postgres would send a JS array as a Postgres array. */
function json(value: Record<string, unknown> | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The entity of a row read in the entity's shape, or null. */
function commandOf(row: Command | undefined): Command | null {
  return row ? Object.assign(new Command(), row) : null;
}

export async function readCommand(db: DataSource, id: string): Promise<Command | null> {
  return commandOf((await queryPrepared<Command>(db, READ, [id]))[0]);
}

/** Inserts the row as given; a unique violation (its Idempotency-Key) is node-postgres's error code 23505. */
export async function insertCommand(db: DataSource, c: Command): Promise<void> {
  await queryPrepared(db, INSERT, [
    c.id,
    c.organizationId,
    c.chargePointId,
    c.action,
    c.ocppAction,
    c.ocppVersion,
    json(c.request),
    json(c.payload),
    c.state,
    json(c.response),
    c.errorCode,
    c.errorReason,
    c.nodeId,
    c.dispatches,
    c.expiresAt,
    c.idempotencyKey,
    c.remoteStartId,
    c.createdBy,
    c.createdAt,
    c.sentAt,
    c.answeredAt,
  ]);
}

/**
 * Moves a queued command of this node's dispatch to `sent` with what is being sent; false when it left
 * `queued`, moved to another node or was dispatched again meanwhile.
 */
export async function claimCommand(
  db: DataSource,
  c: Pick<Command, 'id' | 'nodeId' | 'dispatches'>,
  sent: { sentAt: Date; ocppAction: string; payload: Record<string, unknown>; ocppVersion: string },
): Promise<boolean> {
  const rows = await queryPrepared(db, CLAIM, [
    c.id,
    c.nodeId,
    c.dispatches,
    sent.sentAt,
    sent.ocppAction,
    json(sent.payload),
    sent.ocppVersion,
  ]);
  return rows.length > 0;
}

/**
 * Claims a command in one statement when it is queued for `nodeId`, unexpired and meant for `version`
 * (what a node checks before sending it): the row as claimed, or null when any of that does not hold.
 */
export async function claimQueuedCommand(
  db: DataSource,
  id: string,
  nodeId: string,
  version: string,
  sentAt: Date,
): Promise<Command | null> {
  return commandOf((await queryPrepared<Command>(db, CLAIM_QUEUED, [id, nodeId, version, sentAt]))[0]);
}

/** Puts a command claimed by `nodeId` but not sent back to `queued`; false when it had left `sent`. */
export async function releaseClaimedCommand(db: DataSource, id: string, nodeId: string): Promise<boolean> {
  return (await queryPrepared(db, RELEASE, [id, nodeId])).length > 0;
}

/**
 * Records a sent command's outcome (fields left out keep their value); false when it had left `sent`.
 * `unsent`: it was claimed but never went out (its `sent_at` is cleared).
 */
export async function finishSentCommand(
  db: DataSource,
  id: string,
  state: CommandState,
  fields: Partial<Pick<Command, 'response' | 'errorCode' | 'errorReason' | 'answeredAt'>>,
  opts: { unsent?: boolean } = {},
): Promise<boolean> {
  const rows = await queryPrepared(db, FINISH_SENT, [
    id,
    state,
    json(fields.response),
    fields.errorCode ?? null,
    fields.errorReason ?? null,
    fields.answeredAt ?? null,
    opts.unsent === true,
  ]);
  return rows.length > 0;
}
