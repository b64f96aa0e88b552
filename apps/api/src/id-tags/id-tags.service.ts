import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, Problems, isUniqueViolation, newId, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { Driver, IdTag } from '@csms/domain';
import { CreateIdTagDto, IdTagListQueryDto, IdTagView, UpdateIdTagDto } from './dto/id-tag.dto';

const normalize = (value: string) => value.trim().toLowerCase();

function toView(t: IdTag): IdTagView {
  return {
    id: t.id,
    value: t.value,
    type: t.type,
    status: t.status,
    expires_at: t.expiresAt?.toISOString() ?? null,
    label: t.label,
    driver_id: t.driverId,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

const duplicate = (value: string) =>
  Problems.conflict(
    'id_tag_exists',
    `An id tag with value ${value} already exists (values are case-insensitive)`,
    {
      errors: [{ field: 'value', message: 'value is already taken' }],
    },
  );

/** Id tags (1.6 idTag / 2.0.1 idToken) chargers of the organization authorize against. */
@Injectable()
export class IdTagsService {
  constructor(private readonly db: DataSource) {}

  private async find(auth: AuthContext, id: string): Promise<IdTag> {
    const tag = await this.db.getRepository(IdTag).findOneBy({ id, organizationId: auth.orgId });
    if (!tag) throw Problems.notFound('Id tag', id);
    return tag;
  }

  private async assertDriver(auth: AuthContext, driverId: string | null | undefined): Promise<void> {
    if (!driverId) return;
    if (!(await this.db.getRepository(Driver).existsBy({ id: driverId, organizationId: auth.orgId }))) {
      throw Problems.notFound('Driver', driverId);
    }
  }

  async create(auth: AuthContext, dto: CreateIdTagDto): Promise<IdTagView> {
    await this.assertDriver(auth, dto.driver_id);
    const id = newId('tag');
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(IdTag)
      .values({
        id,
        organizationId: auth.orgId,
        value: dto.value,
        valueNormalized: normalize(dto.value),
        type: dto.type ?? 'rfid',
        status: dto.status ?? 'active',
        expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
        label: dto.label ?? null,
        driverId: dto.driver_id ?? null,
      })
      .orIgnore()
      .execute();
    if (result.raw.length === 0) throw duplicate(dto.value);
    return toView(await this.find(auth, id));
  }

  async list(auth: AuthContext, query: IdTagListQueryDto): Promise<Page<IdTagView>> {
    const { take, skip } = pageParams(query);
    const where: Record<string, unknown> = { organizationId: auth.orgId };
    if (query.status) where.status = query.status;
    if (query.value) where.valueNormalized = normalize(query.value);
    if (query.driver_id) where.driverId = query.driver_id;
    const [rows, total] = await this.db.getRepository(IdTag).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(rows.map(toView), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<IdTagView> {
    return toView(await this.find(auth, id));
  }

  async update(auth: AuthContext, id: string, dto: UpdateIdTagDto): Promise<IdTagView> {
    const tag = await this.find(auth, id);
    const changes: Partial<IdTag> = {};
    if (dto.value !== undefined) {
      changes.value = dto.value;
      changes.valueNormalized = normalize(dto.value);
    }
    if (dto.type !== undefined) changes.type = dto.type;
    if (dto.status !== undefined) changes.status = dto.status;
    if (dto.expires_at !== undefined) changes.expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (dto.label !== undefined) changes.label = dto.label;
    if (dto.driver_id !== undefined) {
      await this.assertDriver(auth, dto.driver_id);
      changes.driverId = dto.driver_id;
    }
    if (Object.keys(changes).length) {
      try {
        await this.db.getRepository(IdTag).update({ id: tag.id, organizationId: auth.orgId }, changes);
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate(dto.value ?? tag.value);
        throw err;
      }
    }
    return this.get(auth, id);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const tag = await this.find(auth, id);
    await this.db.getRepository(IdTag).delete({ id: tag.id, organizationId: auth.orgId });
  }
}
