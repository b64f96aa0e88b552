import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, newId } from '@csms/common';
import { RegistrationStatus, ReservationTransitions, pgColumn, queryPrepared } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';
import { BatchColumn, batchRows, batchValues } from './batch-rows';
import { WriteBatcher } from './write-batcher';

const LAST_SEEN_WRITE_MS = 60_000;
/** Least time between two writes of `last_seen_at` (a Heartbeat waits for its own). */
const LAST_SEEN_BATCH_INTERVAL_MS = 100;

const LAST_SEEN_COLUMNS: Array<BatchColumn<{ id: string; at: Date }>> = [
  ['id', 'varchar', (i) => i.id],
  ['at', 'timestamptz', (i) => i.at],
];

const LAST_SEEN_SQL = `UPDATE charge_points c SET last_seen_at = v.at
  FROM (${batchRows(LAST_SEEN_COLUMNS)}) AS v
  WHERE c.id = v.id AND (c.last_seen_at IS NULL OR c.last_seen_at < v.at)`;

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber: string | null;
  firmwareVersion: string | null;
}

export interface StatusReport {
  /** null: the charger as a whole (1.6 connectorId 0). */
  evseNumber: number | null;
  connectorNumber: number | null;
  status: string;
  errorCode: string | null;
  info: string | null;
  vendorErrorCode: string | null;
  timestamp: Date;
}

const cut = (v: string | null | undefined, n: number) => (v == null ? null : v.slice(0, n));

interface ConnectorStatusWrite {
  organizationId: string;
  chargePointId: string;
  report: StatusReport & { evseNumber: number };
  receivedAt: Date;
}

/** The columns of a connector status report. */
const REPORT_COLUMNS: Array<BatchColumn<ConnectorStatusWrite>> = [
  ['org', 'varchar', (w) => w.organizationId],
  ['cp', 'varchar', (w) => w.chargePointId],
  ['evse', 'int', (w) => w.report.evseNumber],
  ['conn', 'int', (w) => w.report.connectorNumber],
  ['status', 'varchar', (w) => w.report.status],
  ['error_code', 'varchar', (w) => cut(w.report.errorCode, 50)],
  ['info', 'varchar', (w) => cut(w.report.info, 50)],
  ['vendor_error_code', 'varchar', (w) => cut(w.report.vendorErrorCode, 50)],
  ['at', 'timestamptz', (w) => w.report.timestamp.toISOString()],
];

/** The history's rows ($1–$10): every report once, with when it was received. */
const HISTORY_COLUMNS: Array<BatchColumn<ConnectorStatusWrite>> = [
  ...REPORT_COLUMNS,
  ['received_at', 'timestamptz', (w) => w.receivedAt.toISOString()],
];

/** The connectors' rows ($11–$21): the ids an EVSE and a connector get if new, and the latest report. */
const CONNECTOR_COLUMNS: Array<BatchColumn<ConnectorStatusWrite>> = [
  ['evse_id', 'varchar', () => newId('evse')],
  ['conn_id', 'varchar', () => newId('conn')],
  ...REPORT_COLUMNS,
];

/** One report of each (charge point, EVSE, connector, status, charger timestamp): the history holds it once. */
const historyKey = (w: ConnectorStatusWrite) =>
  `${w.chargePointId}|${w.report.evseNumber}|${w.report.connectorNumber}|${w.report.status}|${w.report.timestamp.getTime()}`;

/** Charger-level state written by the gateway: boot data, liveness, connector status. */
@Injectable()
export class ChargePointStateService {
  private readonly logger = new Logger('ChargePointState');

  /**
   * `last_seen_at` of many chargers in one UPDATE, prepared. Most are written behind a message already
   * answered, so the batches start at most every {@link LAST_SEEN_BATCH_INTERVAL_MS}: a few statements a
   * second, each for all the chargers due, rather than one for every few.
   */
  private readonly lastSeen = new WriteBatcher<{ id: string; at: Date }>(
    async (items) => {
      await queryPrepared(this.db, LAST_SEEN_SQL, batchValues(LAST_SEEN_COLUMNS, items));
    },
    { maxBatch: 1000, maxConcurrent: 1, minIntervalMs: LAST_SEEN_BATCH_INTERVAL_MS },
  );

  /** BootNotifications of many chargers stored by one UPDATE, which answers each one's registration status. */
  private readonly boots = new WriteBatcher<{ id: string; info: BootInfo; at: Date }, RegistrationStatus>(
    async (items) => {
      const rows: Array<{ id: string; registration_status: RegistrationStatus }> = (
        await this.db.query(
          `UPDATE charge_points c SET vendor = v.vendor, model = v.model, serial_number = v.serial,
             firmware_version = v.firmware, last_boot_at = v.at, last_seen_at = v.at, updated_at = now()
           FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[],
             $6::timestamptz[]) AS v(id, vendor, model, serial, firmware, at)
           WHERE c.id = v.id RETURNING c.id, c.registration_status`,
          [
            pgColumn(items, (i) => i.id),
            pgColumn(items, (i) => cut(i.info.vendor, 50)),
            pgColumn(items, (i) => cut(i.info.model, 50)),
            pgColumn(items, (i) => cut(i.info.serialNumber, 50)),
            pgColumn(items, (i) => cut(i.info.firmwareVersion, 50)),
            pgColumn(items, (i) => i.at),
          ],
        )
      )[0];
      const byId = new Map(rows.map((r) => [r.id, r.registration_status]));
      return items.map((i) => byId.get(i.id) ?? 'rejected');
    },
    { maxBatch: 500, maxConcurrent: 2 },
  );

  /** Connector status reports of many chargers in one statement. */
  private readonly connectorStatuses = new WriteBatcher<ConnectorStatusWrite>(
    (items) => this.writeConnectorStatuses(items),
    { maxBatch: 1000, maxConcurrent: 1 },
  );

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Stores the boot data and answers with the registration status the operator set. */
  async boot(connection: ChargerConnection, info: BootInfo): Promise<RegistrationStatus> {
    const now = this.clock.now();
    const status = await this.boots.add({ id: connection.chargePointId, info, at: now });
    connection.registrationStatus = status;
    connection.accepted = status === 'accepted';
    connection.lastSeenWrittenMs = now.getTime();
    return status;
  }

  /** Updates `last_seen_at`, at most once a minute per connection. */
  async touch(connection: ChargerConnection, force = false): Promise<void> {
    const now = this.clock.now();
    if (!force && now.getTime() - connection.lastSeenWrittenMs < LAST_SEEN_WRITE_MS) return;
    connection.lastSeenWrittenMs = now.getTime();
    await this.lastSeen.add({ id: connection.chargePointId, at: now });
  }

  /**
   * Records a status: the charger's own (connector 0) or a connector's, discovering the EVSE and
   * connector when they are new. A report older than the stored one goes to history only.
   */
  async status(connection: ChargerConnection, report: StatusReport): Promise<void> {
    const receivedAt = this.clock.now();
    const { chargePointId: cp, organizationId: org } = connection;
    if (report.evseNumber !== null) {
      await this.connectorStatuses.add({
        organizationId: org,
        chargePointId: cp,
        report: { ...report, evseNumber: report.evseNumber },
        receivedAt,
      });
    } else {
      // A report the charger sends again (its CALLRESULT was lost) carries the same status and timestamp:
      // it is not a second entry of the history.
      await this.db.query(
        `WITH cp AS (
           UPDATE charge_points SET status = $5, status_error_code = $6, status_at = $9, last_seen_at = $10
           WHERE id = $2 AND (status_at IS NULL OR status_at <= $9))
         INSERT INTO status_history (organization_id, charge_point_id, evse_number, connector_number,
           status, error_code, info, vendor_error_code, charger_timestamp, received_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE NOT EXISTS (
           SELECT 1 FROM status_history h
           WHERE h.charge_point_id = $2 AND h.charger_timestamp = $9 AND h.status = $5
             AND h.evse_number IS NOT DISTINCT FROM $3::int AND h.connector_number IS NOT DISTINCT FROM $4::int)`,
        [
          org,
          cp,
          report.evseNumber,
          report.connectorNumber,
          report.status,
          cut(report.errorCode, 50),
          cut(report.info, 50),
          cut(report.vendorErrorCode, 50),
          report.timestamp,
          receivedAt,
        ],
      );
    }
    await this.endReservations(connection, report);
  }

  /**
   * Connector reports of many chargers: EVSEs and connectors discovered, each connector's current status
   * taken from the latest of its reports (an older report than the stored one goes to history only), and
   * every report in the history once (a report sent again, same status and timestamp, is not a second
   * entry).
   */
  private async writeConnectorStatuses(items: ConnectorStatusWrite[]): Promise<void> {
    const reports = [...new Map(items.map((w) => [historyKey(w), w])).values()];
    // One row per connector for the upsert: the latest report, the last one received among equals (the
    // order in which one statement per report would have applied them).
    const latest = new Map<string, ConnectorStatusWrite>();
    for (const w of reports) {
      const key = `${w.chargePointId}|${w.report.evseNumber}|${w.report.connectorNumber}`;
      const seen = latest.get(key);
      if (!seen || seen.report.timestamp.getTime() <= w.report.timestamp.getTime()) latest.set(key, w);
    }
    const connectors = [...latest.values()];
    // Prepared: under load a batch holds a few reports, and planning the statement each time cost more than
    // running it. Its plan is lookups by key (the unique indexes, the history's index by charge point); the
    // rows are read through batchRows, so that the generic plan is kept.
    await queryPrepared(
      this.db,
      `WITH k AS (${batchRows(CONNECTOR_COLUMNS, HISTORY_COLUMNS.length + 1)}),
       e AS (
         INSERT INTO evses (id, organization_id, charge_point_id, evse_number, source)
         SELECT k.evse_id, k.org, k.cp, k.evse, 'status_notification' FROM k
         ON CONFLICT (charge_point_id, evse_number) DO NOTHING),
       c AS (
         INSERT INTO connectors (id, organization_id, charge_point_id, evse_number, connector_number, source,
           status, error_code, info, vendor_error_code, status_at)
         SELECT k.conn_id, k.org, k.cp, k.evse, k.conn, 'status_notification', k.status, k.error_code, k.info,
           k.vendor_error_code, k.at
         FROM k
         ON CONFLICT (charge_point_id, evse_number, connector_number) DO UPDATE SET
           status = EXCLUDED.status, error_code = EXCLUDED.error_code, info = EXCLUDED.info,
           vendor_error_code = EXCLUDED.vendor_error_code, status_at = EXCLUDED.status_at, updated_at = now()
         WHERE connectors.status_at IS NULL OR connectors.status_at <= EXCLUDED.status_at)
       INSERT INTO status_history (organization_id, charge_point_id, evse_number, connector_number,
         status, error_code, info, vendor_error_code, charger_timestamp, received_at)
       SELECT v.org, v.cp, v.evse, v.conn, v.status, v.error_code, v.info, v.vendor_error_code, v.at, v.received_at
       FROM (${batchRows(HISTORY_COLUMNS)}) AS v
       WHERE NOT EXISTS (
         SELECT 1 FROM status_history h
         WHERE h.charge_point_id = v.cp AND h.charger_timestamp = v.at AND h.status = v.status
           AND h.evse_number IS NOT DISTINCT FROM v.evse AND h.connector_number IS NOT DISTINCT FROM v.conn)`,
      [...batchValues(HISTORY_COLUMNS, reports), ...batchValues(CONNECTOR_COLUMNS, connectors)],
    );
  }

  /** A connector (or the whole charger) that went Faulted/Unavailable cannot honour its reservation. */
  private async endReservations(connection: ChargerConnection, report: StatusReport): Promise<void> {
    if (report.status !== 'Faulted' && report.status !== 'Unavailable') return;
    const ended = await ReservationTransitions.endOnConnectorStatus(
      this.db,
      connection.chargePointId,
      report.evseNumber,
      report.status,
      this.clock.now(),
    );
    if (ended.length) {
      this.logger.log(
        { chargePointId: connection.chargePointId, reservations: ended, status: report.status },
        'Ended reservations of a connector that is out of service',
      );
    }
  }
}
