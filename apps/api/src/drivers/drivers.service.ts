import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Clock, Page, Problems, isUniqueViolation, newId, page, pageParams } from '@csms/common';
import { AuthContext, hashPassword, hashToken } from '@csms/auth';
import { Driver, IdTag, OutboundEmail, User } from '@csms/domain';
import { NotificationsProducer } from '@csms/queues';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { INVITATION_TTL_MS } from '../invitations/invitations.service';
import {
  AcceptDriverInvitationDto,
  AcceptedDriverInvitationView,
  CreateDriverDto,
  DriverListQueryDto,
  DriverView,
  UpdateDriverDto,
} from './dto/driver.dto';

/**
 * Drivers of the organization's network. Creating one creates their user account (kind `driver`, no
 * password yet, no organization role) and emails an invitation to set a password, through the outbox
 * and with the member invitations' token rules (minted at send, hash only, single use, 7 days).
 */
@Injectable()
export class DriversService {
  private readonly logger = new Logger('Drivers');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly producer: NotificationsProducer,
    private readonly audit: AuditService,
  ) {}

  private async view(driver: Driver): Promise<DriverView> {
    const tags = await this.db
      .getRepository(IdTag)
      .find({ where: { driverId: driver.id, organizationId: driver.organizationId }, select: { id: true } });
    return {
      id: driver.id,
      user_id: driver.userId,
      email: driver.email,
      first_name: driver.firstName,
      last_name: driver.lastName,
      status: driver.status,
      id_tag_ids: tags.map((t) => t.id),
      invitation_expires_at:
        driver.status === 'invited' ? (driver.invitationExpiresAt?.toISOString() ?? null) : null,
      created_at: driver.createdAt.toISOString(),
    };
  }

  async create(auth: AuthContext, dto: CreateDriverDto): Promise<DriverView> {
    const email = dto.email.toLowerCase();
    const now = this.clock.now();
    const { driverId, emailId } = await this.db.transaction(async (manager) => {
      const userId = newId('usr');
      try {
        await manager.insert(User, {
          id: userId,
          email,
          passwordHash: null,
          firstName: dto.first_name,
          lastName: dto.last_name,
          kind: 'driver',
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw Problems.conflict('email_taken', `An account with the email ${email} already exists`, {
            errors: [{ field: 'email', message: 'email is already registered' }],
          });
        }
        throw err;
      }
      const driverId = newId('drv');
      await manager.insert(Driver, {
        id: driverId,
        organizationId: auth.orgId,
        userId,
        email,
        firstName: dto.first_name,
        lastName: dto.last_name,
        status: 'invited',
        invitationExpiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      const emailId = newId('msg');
      await manager.insert(OutboundEmail, {
        id: emailId,
        organizationId: auth.orgId,
        recipient: email,
        template: 'driver_invitation',
        driverId,
        status: 'pending',
      });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'driver.created',
        resourceType: 'driver',
        resourceId: driverId,
        after: { email, first_name: dto.first_name, last_name: dto.last_name, status: 'invited' },
      });
      return { driverId, emailId };
    });
    await this.producer.enqueueEmail(emailId).catch((err: unknown) => {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    });
    return this.get(auth, driverId);
  }

  async list(auth: AuthContext, query: DriverListQueryDto): Promise<Page<DriverView>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(Driver).findAndCount({
      where: { organizationId: auth.orgId, ...(query.status && { status: query.status }) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(await Promise.all(rows.map((d) => this.view(d))), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<DriverView> {
    const driver = await this.db.getRepository(Driver).findOneBy({ id, organizationId: auth.orgId });
    if (!driver) throw Problems.notFound('Driver', id);
    return this.view(driver);
  }

  async update(auth: AuthContext, id: string, dto: UpdateDriverDto): Promise<DriverView> {
    await this.db.transaction(async (manager) => {
      const driver = await manager.findOneBy(Driver, { id, organizationId: auth.orgId });
      if (!driver) throw Problems.notFound('Driver', id);
      if (dto.status !== undefined && !driver.activatedAt) {
        throw Problems.conflict(
          'driver_not_activated',
          'The driver has not accepted the invitation yet; resend it instead',
        );
      }
      const changes: Partial<Driver> = {
        ...(dto.first_name !== undefined && { firstName: dto.first_name }),
        ...(dto.last_name !== undefined && { lastName: dto.last_name }),
        ...(dto.status !== undefined && { status: dto.status }),
      };
      if (Object.keys(changes).length === 0) return;
      await manager.update(Driver, { id: driver.id }, changes);
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'driver.updated',
        resourceType: 'driver',
        resourceId: driver.id,
        before: { first_name: driver.firstName, last_name: driver.lastName, status: driver.status },
        after: dto,
      });
    });
    return this.get(auth, id);
  }

  /** A new link with a new expiry; the previous link stops working (its email is cancelled if unsent). */
  async resendInvitation(auth: AuthContext, id: string): Promise<DriverView> {
    const emailId = newId('msg');
    await this.db.transaction(async (manager) => {
      const driver = await manager
        .getRepository(Driver)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.id = :id AND d.organization_id = :orgId', { id, orgId: auth.orgId })
        .getOne();
      if (!driver) throw Problems.notFound('Driver', id);
      if (driver.activatedAt) {
        throw Problems.conflict('invitation_already_used', 'The driver already accepted the invitation');
      }
      await manager.update(
        Driver,
        { id: driver.id },
        {
          invitationTokenHash: null,
          invitationExpiresAt: new Date(this.clock.nowMs() + INVITATION_TTL_MS),
        },
      );
      await manager.update(
        OutboundEmail,
        { driverId: driver.id, status: 'pending' },
        { status: 'cancelled', lastError: 'superseded' },
      );
      await manager.insert(OutboundEmail, {
        id: emailId,
        organizationId: auth.orgId,
        recipient: driver.email,
        template: 'driver_invitation',
        driverId: driver.id,
        status: 'pending',
      });
    });
    await this.producer.enqueueEmail(emailId).catch((err: unknown) => {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    });
    return this.get(auth, id);
  }

  /** Sets the password with the token of the invitation link; 404 unknown, 409 used, 410 expired. */
  async accept(dto: AcceptDriverInvitationDto): Promise<AcceptedDriverInvitationView> {
    return this.db.transaction(async (manager) => {
      const driver = await manager
        .getRepository(Driver)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.invitation_token_hash = :hash', { hash: hashToken(dto.token) })
        .getOne();
      if (!driver) throw Problems.notFound('Invitation');
      if (driver.activatedAt) {
        throw Problems.conflict('invitation_already_used', 'This invitation has already been accepted');
      }
      if (!driver.invitationExpiresAt || driver.invitationExpiresAt.getTime() <= this.clock.nowMs()) {
        throw Problems.gone('invitation_expired', 'This invitation has expired; ask for a new one');
      }
      const now = this.clock.now();
      await manager.update(User, { id: driver.userId }, { passwordHash: await hashPassword(dto.password) });
      await manager.update(Driver, { id: driver.id }, { status: 'active', activatedAt: now });
      const user = await manager.findOneByOrFail(User, { id: driver.userId });
      const token = await this.identity.issueToken(manager, user);
      const fresh = await manager.findOneByOrFail(Driver, { id: driver.id });
      return { driver: await this.view(fresh), token };
    });
  }
}

/**
 * Resolves what a driver may use as an `id_tag`: one of their own tags, or their email meaning their
 * active tag. The seam for driver reservations (the reservations API accepts driver tokens).
 */
@Injectable()
export class DriverTagsService {
  constructor(private readonly db: DataSource) {}

  /** The driver's active tag for `idTagOrEmail` (their email → their first active tag), or null. */
  async activeTagOf(organizationId: string, driverId: string, idTagOrEmail: string): Promise<IdTag | null> {
    const driver = await this.db.getRepository(Driver).findOneBy({ id: driverId, organizationId });
    if (!driver) return null;
    const value = idTagOrEmail.trim().toLowerCase();
    const tags = await this.db.getRepository(IdTag).find({
      where: { organizationId, driverId, status: 'active' },
      order: { createdAt: 'ASC' },
    });
    const usable = tags.filter((t) => !t.expiresAt || t.expiresAt.getTime() > Date.now());
    if (value === driver.email.toLowerCase()) return usable[0] ?? null;
    return usable.find((t) => t.valueNormalized === value) ?? null;
  }

  /** Ids of the tags a driver holds now. */
  async tagIdsOf(organizationId: string, driverIds: string[]): Promise<string[]> {
    const tags = await this.db
      .getRepository(IdTag)
      .find({ where: { organizationId, driverId: In(driverIds) }, select: { id: true } });
    return tags.map((t) => t.id);
  }
}
