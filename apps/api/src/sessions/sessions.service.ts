import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, PageQueryDto, Problems, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargingSession, MeterValue } from '@csms/domain';
import { MeterValueView, SessionListQueryDto, SessionView } from './dto/session.dto';

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

  private async find(auth: AuthContext, id: string): Promise<ChargingSession> {
    const session = await this.db
      .getRepository(ChargingSession)
      .findOneBy({ id, organizationId: auth.orgId });
    if (!session) throw Problems.notFound('Session', id);
    return session;
  }

  async get(auth: AuthContext, id: string): Promise<SessionView> {
    return toView(await this.find(auth, id));
  }

  /** The session's sampled values in the charger's time order. */
  async meterValues(auth: AuthContext, id: string, query: PageQueryDto): Promise<Page<MeterValueView>> {
    const session = await this.find(auth, id);
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(MeterValue).findAndCount({
      where: { sessionId: session.id },
      order: { sampledAt: 'ASC', id: 'ASC' },
      take,
      skip,
    });
    return page(
      rows.map((m) => ({
        sampled_at: m.sampledAt.toISOString(),
        measurand: m.measurand,
        phase: m.phase,
        location: m.location,
        context: m.context,
        unit: m.unit,
        value: m.value,
        raw_value: m.rawValue,
        received_at: m.receivedAt.toISOString(),
      })),
      total,
      query,
    );
  }
}
