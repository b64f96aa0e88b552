import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Driver, IdTag } from '@csms/domain';
import {
  RegisteredIdTags,
  ResolvedIdTag,
  ReservationIdTagResolver,
} from '../reservations/reservation-id-tags';

/**
 * Reservation id tags with drivers: a driver's email (as the documented `id_tag: "driver@example.com"`)
 * resolves to that driver's active tag (the oldest usable one); anything else is a registered tag value.
 */
@Injectable()
export class DriverAwareIdTags implements ReservationIdTagResolver {
  private readonly registered: RegisteredIdTags;

  constructor(private readonly db: DataSource) {
    this.registered = new RegisteredIdTags(db);
  }

  async resolve(orgId: string, idTag: string): Promise<ResolvedIdTag | null> {
    const value = idTag.trim().toLowerCase();
    if (value.includes('@')) {
      const driver = await this.db.getRepository(Driver).findOneBy({ organizationId: orgId, email: value });
      if (driver) {
        const tags = await this.db.getRepository(IdTag).find({
          where: { organizationId: orgId, driverId: driver.id, status: 'active' },
          order: { createdAt: 'ASC', id: 'ASC' },
        });
        const now = Date.now();
        const tag = tags.find((t) => !t.expiresAt || t.expiresAt.getTime() > now);
        if (tag) {
          return {
            idTagId: tag.id,
            value: tag.value,
            type: tag.type,
            status: tag.status,
            expiresAt: tag.expiresAt,
          };
        }
      }
    }
    return this.registered.resolve(orgId, idTag);
  }
}
