import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, newId } from '@csms/common';
import { RegistrationStatus, ReservationTransitions } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';

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

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Stores the boot data and answers with the registration status the operator set. */
  async boot(connection: ChargerConnection, info: BootInfo): Promise<RegistrationStatus> {
    const now = this.clock.now();
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ registration_status: RegistrationStatus }>, number] = await this.db.query(
      `UPDATE charge_points SET vendor = $2, model = $3, serial_number = $4, firmware_version = $5,
         last_boot_at = $6, last_seen_at = $6, updated_at = now()
       WHERE id = $1 RETURNING registration_status`,
      [
        connection.chargePointId,
        cut(info.vendor, 50),
        cut(info.model, 50),
        cut(info.serialNumber, 50),
        cut(info.firmwareVersion, 50),
        now,
      ],
    );
    const status = rows[0]?.registration_status ?? 'rejected';
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
    await this.db.query(`UPDATE charge_points SET last_seen_at = $2 WHERE id = $1`, [
      connection.chargePointId,
      now,
    ]);
  }

  /**
   * Records a status: the charger's own (connector 0) or a connector's, discovering the EVSE and
   * connector when they are new. A report older than the stored one goes to history only.
   */
  async status(connection: ChargerConnection, report: StatusReport): Promise<void> {
    const receivedAt = this.clock.now();
    const { chargePointId: cp, organizationId: org } = connection;
    const history = `INSERT INTO status_history (organization_id, charge_point_id, evse_number, connector_number,
         status, error_code, info, vendor_error_code, charger_timestamp, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
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
