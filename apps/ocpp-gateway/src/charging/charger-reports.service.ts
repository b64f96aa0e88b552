import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { ChargePointEvent } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';

/** Reports a charger sends for the record (firmware, diagnostics, logs, events, security, reports). */
@Injectable()
export class ChargerReportsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(
    connection: ChargerConnection,
    kind: string,
    payload: object,
    chargerTimestamp?: string,
  ): Promise<void> {
    const at = chargerTimestamp ? new Date(chargerTimestamp) : null;
    await this.db.getRepository(ChargePointEvent).insert({
      organizationId: connection.organizationId,
      chargePointId: connection.chargePointId,
      kind,
      payload: payload as never,
      chargerTimestamp: at && !Number.isNaN(at.getTime()) ? at : null,
      receivedAt: this.clock.now(),
    });
  }
}
