import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Problems, newId } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { Connector, Evse } from '@csms/domain';
import { iso } from './charge-point.mapper';
import { ChargePointsService } from './charge-points.service';
import {
  ConnectorView,
  CreateConnectorDto,
  CreateEvseDto,
  EvseView,
  UpdateConnectorDto,
  UpdateEvseDto,
} from './dto/evse.dto';

function toConnectorView(c: Connector): ConnectorView {
  return {
    id: c.id,
    connector_id: c.connectorNumber,
    connector_type: c.connectorType,
    max_power_kw: c.maxPowerKw,
    source: c.source,
    status: c.status,
    error_code: c.errorCode,
    status_at: iso(c.statusAt),
  };
}

function toEvseView(e: Evse, connectors: Connector[]): EvseView {
  return {
    id: e.id,
    evse_id: e.evseNumber,
    max_power_kw: e.maxPowerKw,
    source: e.source,
    connectors: connectors.filter((c) => c.evseNumber === e.evseNumber).map(toConnectorView),
  };
}

/** EVSEs and connectors of a charge point, addressed by their OCPP numbers. */
@Injectable()
export class EvsesService {
  constructor(
    private readonly db: DataSource,
    private readonly chargePoints: ChargePointsService,
  ) {}

  private async evse(auth: AuthContext, cpId: string, evseNumber: number): Promise<Evse> {
    const cp = await this.chargePoints.findOwned(auth, cpId);
    const evse = await this.db
      .getRepository(Evse)
      .findOneBy({ chargePointId: cp.id, organizationId: auth.orgId, evseNumber });
    if (!evse) throw Problems.notFound('EVSE', `${cpId}/${evseNumber}`);
    return evse;
  }

  private connectorsOf(evse: Evse, manager: EntityManager = this.db.manager): Promise<Connector[]> {
    return manager.getRepository(Connector).find({
      where: { chargePointId: evse.chargePointId, evseNumber: evse.evseNumber },
      order: { connectorNumber: 'ASC' },
    });
  }

  async list(auth: AuthContext, cpId: string): Promise<{ data: EvseView[]; total: number }> {
    const cp = await this.chargePoints.findOwned(auth, cpId);
    const [evses, connectors] = await Promise.all([
      this.db.getRepository(Evse).find({
        where: { chargePointId: cp.id, organizationId: auth.orgId },
        order: { evseNumber: 'ASC' },
      }),
      this.db.getRepository(Connector).find({
        where: { chargePointId: cp.id, organizationId: auth.orgId },
        order: { connectorNumber: 'ASC' },
      }),
    ]);
    return { data: evses.map((e) => toEvseView(e, connectors)), total: evses.length };
  }

  async create(auth: AuthContext, cpId: string, dto: CreateEvseDto): Promise<EvseView> {
    const cp = await this.chargePoints.findOwned(auth, cpId);
    const numbers = (dto.connectors ?? []).map((c) => c.connector_id);
    if (new Set(numbers).size !== numbers.length) {
      throw Problems.validation([{ field: 'connectors', message: 'connector_id values must be unique' }]);
    }
    return this.db.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Evse)
        .values({
          id: newId('evse'),
          organizationId: auth.orgId,
          chargePointId: cp.id,
          evseNumber: dto.evse_id,
          maxPowerKw: dto.max_power_kw ?? null,
          source: 'operator',
        })
        .orIgnore()
        .execute();
      if (inserted.raw.length === 0) {
        throw Problems.conflict('evse_exists', `EVSE ${dto.evse_id} of ${cp.id} already exists`);
      }
      for (const c of dto.connectors ?? []) {
        await manager.getRepository(Connector).insert({
          id: newId('conn'),
          organizationId: auth.orgId,
          chargePointId: cp.id,
          evseNumber: dto.evse_id,
          connectorNumber: c.connector_id,
          connectorType: c.connector_type ?? null,
          maxPowerKw: c.max_power_kw ?? null,
          source: 'operator',
        });
      }
      const evse = await manager
        .getRepository(Evse)
        .findOneByOrFail({ chargePointId: cp.id, evseNumber: dto.evse_id });
      return toEvseView(evse, await this.connectorsOf(evse, manager));
    });
  }

  async get(auth: AuthContext, cpId: string, evseNumber: number): Promise<EvseView> {
    const evse = await this.evse(auth, cpId, evseNumber);
    return toEvseView(evse, await this.connectorsOf(evse));
  }

  async update(auth: AuthContext, cpId: string, evseNumber: number, dto: UpdateEvseDto): Promise<EvseView> {
    const evse = await this.evse(auth, cpId, evseNumber);
    if (dto.max_power_kw !== undefined) {
      await this.db.getRepository(Evse).update({ id: evse.id }, { maxPowerKw: dto.max_power_kw });
    }
    return this.get(auth, cpId, evseNumber);
  }

  async remove(auth: AuthContext, cpId: string, evseNumber: number): Promise<void> {
    const evse = await this.evse(auth, cpId, evseNumber);
    await this.db.transaction(async (manager) => {
      await manager.getRepository(Connector).delete({ chargePointId: evse.chargePointId, evseNumber });
      await manager.getRepository(Evse).delete({ id: evse.id });
    });
  }

  async listConnectors(auth: AuthContext, cpId: string, evseNumber: number) {
    const evse = await this.evse(auth, cpId, evseNumber);
    const connectors = await this.connectorsOf(evse);
    return { data: connectors.map(toConnectorView), total: connectors.length };
  }

  async createConnector(auth: AuthContext, cpId: string, evseNumber: number, dto: CreateConnectorDto) {
    const evse = await this.evse(auth, cpId, evseNumber);
    const inserted = await this.db
      .createQueryBuilder()
      .insert()
      .into(Connector)
      .values({
        id: newId('conn'),
        organizationId: auth.orgId,
        chargePointId: evse.chargePointId,
        evseNumber,
        connectorNumber: dto.connector_id,
        connectorType: dto.connector_type ?? null,
        maxPowerKw: dto.max_power_kw ?? null,
        source: 'operator',
      })
      .orIgnore()
      .execute();
    if (inserted.raw.length === 0) {
      throw Problems.conflict(
        'connector_exists',
        `Connector ${dto.connector_id} of EVSE ${evseNumber} already exists`,
      );
    }
    return this.getConnector(auth, cpId, evseNumber, dto.connector_id);
  }

  private async connector(auth: AuthContext, cpId: string, evseNumber: number, connectorNumber: number) {
    const evse = await this.evse(auth, cpId, evseNumber);
    const connector = await this.db
      .getRepository(Connector)
      .findOneBy({ chargePointId: evse.chargePointId, evseNumber, connectorNumber });
    if (!connector) throw Problems.notFound('Connector', `${cpId}/${evseNumber}/${connectorNumber}`);
    return connector;
  }

  async getConnector(auth: AuthContext, cpId: string, evseNumber: number, connectorNumber: number) {
    return toConnectorView(await this.connector(auth, cpId, evseNumber, connectorNumber));
  }

  async updateConnector(
    auth: AuthContext,
    cpId: string,
    evseNumber: number,
    connectorNumber: number,
    dto: UpdateConnectorDto,
  ) {
    const connector = await this.connector(auth, cpId, evseNumber, connectorNumber);
    const changes: Partial<Connector> = {};
    if (dto.connector_type !== undefined) changes.connectorType = dto.connector_type;
    if (dto.max_power_kw !== undefined) changes.maxPowerKw = dto.max_power_kw;
    if (Object.keys(changes).length)
      await this.db.getRepository(Connector).update({ id: connector.id }, changes);
    return this.getConnector(auth, cpId, evseNumber, connectorNumber);
  }

  async removeConnector(auth: AuthContext, cpId: string, evseNumber: number, connectorNumber: number) {
    const connector = await this.connector(auth, cpId, evseNumber, connectorNumber);
    await this.db.getRepository(Connector).delete({ id: connector.id });
  }
}
