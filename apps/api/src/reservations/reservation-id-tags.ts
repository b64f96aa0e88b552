import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdTag, IdTagStatus, IdTagType } from '@csms/domain';

/** The id tag a reservation is for, as the charger will be told it. */
export interface ResolvedIdTag {
  /** The `id_tags` row. */
  idTagId: string;
  /** The value sent to the charger (ReserveNow idTag / idToken). */
  value: string;
  type: IdTagType;
  status: IdTagStatus;
  expiresAt: Date | null;
}

/**
 * Turns the `id_tag` of a reservation request into a registered id tag of the organization. The seam
 * for drivers: once they exist, a driver's email resolves to their active tag here (a resolver that
 * tries the driver's email before the tag value), without touching the reservations service.
 */
export interface ReservationIdTagResolver {
  resolve(orgId: string, idTag: string): Promise<ResolvedIdTag | null>;
}

export const RESERVATION_ID_TAGS = Symbol('RESERVATION_ID_TAGS');

/** Today's resolver: an id tag registered in the organization, by value (case-insensitive). */
@Injectable()
export class RegisteredIdTags implements ReservationIdTagResolver {
  constructor(private readonly db: DataSource) {}

  async resolve(orgId: string, idTag: string): Promise<ResolvedIdTag | null> {
    const tag = await this.db
      .getRepository(IdTag)
      .findOneBy({ organizationId: orgId, valueNormalized: idTag.trim().toLowerCase() });
    if (!tag) return null;
    return {
      idTagId: tag.id,
      value: tag.value,
      type: tag.type,
      status: tag.status,
      expiresAt: tag.expiresAt,
    };
  }
}
