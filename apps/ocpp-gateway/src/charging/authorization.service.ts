import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@csms/common';
import { normalizeIdTag } from '../ocpp/ocpp-mapper';

export type AuthorizationStatus = 'Accepted' | 'Invalid' | 'Blocked' | 'Expired' | 'ConcurrentTx';

export interface Authorization {
  status: AuthorizationStatus;
  idTagId: string | null;
  expiresAt: Date | null;
}

/** An id tag as read for an authorization; `busy`: the tag is in an open session. */
export interface TagRow {
  id: string;
  status: string;
  expires_at: Date | null;
  busy: boolean;
}

/** Id tags of the charger's organization: the same rules for 1.6 idTag and 2.0.1 idToken. */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Accepted, Invalid (unknown in the organization), Blocked, Expired, or ConcurrentTx when the tag is
   * in an open session (other than `exceptSessionId`, the session being started or stopped).
   */
  async authorize(
    organizationId: string,
    value: string,
    options: { exceptSessionId?: string; checkConcurrent?: boolean; manager?: EntityManager } = {},
  ): Promise<Authorization> {
    const normalized = normalizeIdTag(value);
    const rows: TagRow[] = await (options.manager ?? this.db.manager).query(
      `SELECT t.id, t.status, t.expires_at,
           EXISTS (SELECT 1 FROM charging_sessions s
                   WHERE s.organization_id = $1 AND lower(s.id_tag) = $2 AND s.status = 'active'
                     AND s.id <> $3) AS busy
         FROM id_tags t WHERE t.organization_id = $1 AND t.value_normalized = $2`,
      [organizationId, normalized, options.exceptSessionId ?? ''],
    );
    return this.decide(rows[0], options.checkConcurrent ?? true);
  }

  /** The answer for a tag read by the caller's own statement (undefined: unknown in the organization). */
  decide(tag: TagRow | undefined, checkConcurrent = true): Authorization {
    if (!tag) return { status: 'Invalid', idTagId: null, expiresAt: null };
    const base = { idTagId: tag.id, expiresAt: tag.expires_at };
    if (tag.status === 'blocked') return { status: 'Blocked', ...base };
    if (tag.expires_at && tag.expires_at.getTime() <= this.clock.nowMs())
      return { status: 'Expired', ...base };
    if (checkConcurrent && tag.busy) return { status: 'ConcurrentTx', ...base };
    return { status: 'Accepted', ...base };
  }
}
