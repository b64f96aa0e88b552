import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, Problems, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargingSession } from '@csms/domain';
import { SessionListQueryDto, SessionView } from './dto/session.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toView(s: ChargingSession): SessionView {
  return {
    id: s.id,
    charge_point_id: s.chargePointId,
    ocpp_version: s.ocppVersion,
    transaction_id: s.transactionId,
    evse_id: s.evseNumber,
    connector_id: s.connectorNumber,
    id_tag: s.idTag,
    id_tag_ref: s.idTagId,
    remote_start_id: s.remoteStartId,
    status: s.status,
    started_at: iso(s.startedAt),
    stopped_at: iso(s.stoppedAt),
    start_received_at: iso(s.startReceivedAt),
    stop_received_at: iso(s.stopReceivedAt),
    meter_start_wh: s.meterStartWh,
    meter_stop_wh: s.meterStopWh,
    last_meter_wh: s.lastMeterWh,
    energy_wh: s.energyWh,
    stop_reason: s.stopReason,
    flags: s.flags,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** Charging sessions (OCPP transactions) of the organization, read-only. */
@Injectable()
export class SessionsService {
  constructor(private readonly db: DataSource) {}

  async list(auth: AuthContext, query: SessionListQueryDto): Promise<Page<SessionView>> {
    const { take, skip } = pageParams(query);
    const where: Record<string, unknown> = { organizationId: auth.orgId };
    if (query.charge_point_id) where.chargePointId = query.charge_point_id;
    if (query.status) where.status = query.status;
    const [rows, total] = await this.db.getRepository(ChargingSession).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(rows.map(toView), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<SessionView> {
    const session = await this.db
      .getRepository(ChargingSession)
      .findOneBy({ id, organizationId: auth.orgId });
    if (!session) throw Problems.notFound('Session', id);
    return toView(session);
  }
}
