import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, newId } from '@csms/common';
import { RegistrationStatus, ReservationTransitions } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';
import { WriteBatcher } from './write-batcher';

const LAST_SEEN_WRITE_MS = 60_000;

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

/** Charger-level state written by the gateway: boot data, liveness, connector status. */
@Injectable()
export class ChargePointStateService {
  private readonly logger = new Logger('ChargePointState');

  /** `last_seen_at` of many chargers in one UPDATE. */
  private readonly lastSeen = new WriteBatcher<{ id: string; at: Date }>(
    async (items) => {
      await this.db.query(
        `UPDATE charge_points c SET last_seen_at = v.at
         FROM unnest($1::varchar[], $2::timestamptz[]) AS v(id, at)
         WHERE c.id = v.id AND (c.last_seen_at IS NULL OR c.last_seen_at < v.at)`,
        [items.map((i) => i.id), items.map((i) => i.at)],
      );
    },
    { maxBatch: 1000, maxConcurrent: 1 },
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
            items.map((i) => i.id),
            items.map((i) => cut(i.info.vendor, 50)),
            items.map((i) => cut(i.info.model, 50)),
            items.map((i) => cut(i.info.serialNumber, 50)),
            items.map((i) => cut(i.info.firmwareVersion, 50)),
            items.map((i) => i.at),
          ],
        )
      )[0];
      const byId = new Map(rows.map((r) => [r.id, r.registration_status]));
      return items.map((i) => byId.get(i.id) ?? 'rejected');
    },
    { maxBatch: 500, maxConcurrent: 2 },
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
    // A report the charger sends again (its CALLRESULT was lost) carries the same status and timestamp:
    // it is not a second entry of the history.
    const history = `INSERT INTO status_history (organization_id, charge_point_id, evse_number, connector_number,
         status, error_code, info, vendor_error_code, charger_timestamp, received_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
       WHERE NOT EXISTS (
         SELECT 1 FROM status_history h
         WHERE h.charge_point_id = $2 AND h.charger_timestamp = $9 AND h.status = $5
           AND h.evse_number IS NOT DISTINCT FROM $3::int AND h.connector_number IS NOT DISTINCT FROM $4::int)`;
    const values = [
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
    ];
    if (report.evseNumber === null) {
      await this.db.query(
        `WITH cp AS (
           UPDATE charge_points SET status = $5, status_error_code = $6, status_at = $9, last_seen_at = $10
           WHERE id = $2 AND (status_at IS NULL OR status_at <= $9))
         ${history}`,
        values,
      );
      await this.endReservations(connection, report);
      return;
    }
    await this.db.query(
      `WITH e AS (
         INSERT INTO evses (id, organization_id, charge_point_id, evse_number, source)
         VALUES ($11, $1, $2, $3, 'status_notification')
         ON CONFLICT (charge_point_id, evse_number) DO NOTHING),
       c AS (
         INSERT INTO connectors (id, organization_id, charge_point_id, evse_number, connector_number, source,
           status, error_code, info, vendor_error_code, status_at)
         VALUES ($12, $1, $2, $3, $4, 'status_notification', $5, $6, $7, $8, $9)
         ON CONFLICT (charge_point_id, evse_number, connector_number) DO UPDATE SET
           status = EXCLUDED.status, error_code = EXCLUDED.error_code, info = EXCLUDED.info,
           vendor_error_code = EXCLUDED.vendor_error_code, status_at = EXCLUDED.status_at, updated_at = now()
         WHERE connectors.status_at IS NULL OR connectors.status_at <= EXCLUDED.status_at)
       ${history}`,
      [...values, newId('evse'), newId('conn')],
    );
    await this.endReservations(connection, report);
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
