import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, FindOptionsWhere, In, IsNull, Raw } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  Clock,
  Page,
  Problems,
  isUniqueViolation,
  newId,
  page,
  pageParams,
} from '@csms/common';
import {
  ChargePoint,
  Command,
  FINAL_COMMAND_STATES,
  IdTag,
  OcppVersion,
  Reservation,
  ReservationTransitions,
} from '@csms/domain';
import { AuthContext } from '@csms/auth';
import {
  ConnectionRegistry,
  ReservationsProducer,
  cancelReservationCall,
  idTagLimit,
  idTokenTypeOfTag,
  reserveNowCall,
} from '@csms/queues';
import { CommandsService } from '../commands/commands.service';
import { CreateReservationDto } from './dto/create-reservation.dto';
import { ListReservationsQueryDto, ReservationView, toReservationView } from './dto/reservation.view';
import { RESERVATION_ID_TAGS, ReservationIdTagResolver } from './reservation-id-tags';

export interface CreateOutcome {
  view: ReservationView;
  /** False while the charger has not answered ReserveNow (202). */
  settled: boolean;
}

export interface CancelOutcome {
  view: ReservationView;
  /** True when the charger is offline and CancelReservation waits for it to reconnect. */
  queued: boolean;
}

/** The charger's ReserveNow refusals, answered as 409 with the reason as the code. */
const CHARGER_REFUSALS = ['Occupied', 'Faulted', 'Unavailable', 'Rejected'];

/**
 * Reservations: the row first (with its integer OCPP id from a sequence and the partial unique index
 * that forbids double booking), then ReserveNow through the command outbox, then a short wait for the
 * charger's answer. Answers that arrive later are applied by the gateway worker when it records them.
 */
@Injectable()
export class ReservationsService {
  private readonly logger = new Logger('Reservations');

  constructor(
    private readonly db: DataSource,
    private readonly commands: CommandsService,
    private readonly registry: ConnectionRegistry,
    private readonly producer: ReservationsProducer,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RESERVATION_ID_TAGS) private readonly idTags: ReservationIdTagResolver,
  ) {}

  async create(auth: AuthContext, dto: CreateReservationDto): Promise<CreateOutcome> {
    const cp = await this.chargePoint(auth.orgId, dto.charge_point_id);
    const expiry = this.expiryOf(dto.expiry_date);
    const version = this.versionOf(cp);
    const tag = await this.idTagOf(auth.orgId, dto.id_tag, version);
    if (auth.driverId) await this.requireDriversTag(auth.driverId, tag.idTagId);
    await this.requireConnector(cp.id, dto.connector_id);
    if (!(await this.registry.nodeOf(cp.id))) throw this.offline(cp.id);

    const reservation = await this.insert(auth, cp, dto, expiry, version, tag);
    await this.producer
      .scheduleExpiry(reservation.id, expiry.getTime() - this.clock.nowMs())
      .catch((err) =>
        this.logger.warn({ err, reservation: reservation.id }, 'Could not schedule expiry; the sweep will'),
      );

    const { ocppAction, payload } = reserveNowCall(version, {
      reservation_id: reservation.ocppReservationId,
      connector_id: reservation.connectorId,
      expiry_date: expiry,
      id_tag: tag.value,
      id_token_type: idTokenTypeOfTag(tag.type),
    });
    let command: Command;
    try {
      command = await this.commands.dispatch(auth.orgId, cp.id, ocppAction, payload, {
        action: 'reserve-now',
        request: { ...dto, ocpp_reservation_id: reservation.ocppReservationId },
        version,
        createdBy: auth.actor.id,
      });
    } catch (err) {
      // Nothing was sent (the charger went away since the check, or the outbox failed).
      await this.end(reservation.id, 'rejected', isOffline(err) ? 'charge_point_offline' : 'not_sent');
      throw err;
    }
    await this.db.getRepository(Reservation).update({ id: reservation.id }, { reserveCommandId: command.id });

    const outcome = await this.commands.awaitOutcome(command);
    if (FINAL_COMMAND_STATES.includes(outcome.state)) {
      await ReservationTransitions.applyReserveNow(this.db, outcome, this.clock.now());
    }
    const current = await this.db.getRepository(Reservation).findOneByOrFail({ id: reservation.id });
    const view = toReservationView(current);
    if (current.status === 'rejected') throw this.refused(view, current.statusReason);
    return { view, settled: current.status !== 'pending' };
  }

  async list(auth: AuthContext, query: ListReservationsQueryDto): Promise<Page<ReservationView>> {
    const { take, skip } = pageParams(query);
    const where: FindOptionsWhere<Reservation> = { organizationId: auth.orgId };
    if (auth.driverId) where.idTagId = In(await this.tagIdsOf(auth.driverId));
    if (query.charge_point_id) where.chargePointId = query.charge_point_id;
    if (query.status) where.status = query.status;
    if (query.id_tag) {
      where.idTag = Raw((column) => `lower(${column}) = lower(:idTag)`, { idTag: query.id_tag });
    }
    const [rows, total] = await this.db.getRepository(Reservation).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(rows.map(toReservationView), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<ReservationView> {
    return toReservationView(await this.find(auth, id));
  }

  /**
   * Cancels locally first (so the reservation cannot be used through this CSMS), then sends
   * CancelReservation; an offline charger gets it when it reconnects, until the expiry date.
   */
  async cancel(auth: AuthContext, id: string): Promise<CancelOutcome> {
    const reservation = await this.find(auth, id);
    const [rows] = (await this.db.query(
      `UPDATE reservations SET status = 'cancelled', status_reason = 'cancelled_by_request', ended_at = $2,
         updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'active')
       RETURNING id`,
      [reservation.id, this.clock.now()],
    )) as [Array<{ id: string }>, number];
    if (rows.length === 0) {
      const current = await this.find(auth, id);
      throw Problems.conflict(
        'reservation_not_active',
        `Reservation ${id} is ${current.status} and cannot be cancelled`,
        { reservation_status: current.status },
      );
    }

    const { ocppAction, payload } = cancelReservationCall(reservation.ocppReservationId);
    const opts = { action: 'cancel-reservation', createdBy: auth.actor.id };
    let queued = false;
    let command: Command;
    try {
      if (!(await this.registry.nodeOf(reservation.chargePointId)))
        throw this.offline(reservation.chargePointId);
      command = await this.commands.dispatch(
        auth.orgId,
        reservation.chargePointId,
        ocppAction,
        payload,
        opts,
      );
    } catch (err) {
      if (!isOffline(err)) throw err;
      // The charger drops the reservation itself at its expiry date: no need to wait longer.
      const until = new Date(Math.max(reservation.expiryDate.getTime(), this.clock.nowMs() + 60_000));
      command = await this.commands.dispatch(auth.orgId, reservation.chargePointId, ocppAction, payload, {
        ...opts,
        queueUntil: until,
      });
      queued = true;
    }
    await this.db.getRepository(Reservation).update({ id: reservation.id }, { cancelCommandId: command.id });
    return { view: toReservationView(await this.find(auth, id)), queued };
  }

  private async insert(
    auth: AuthContext,
    cp: ChargePoint,
    dto: CreateReservationDto,
    expiry: Date,
    version: OcppVersion,
    tag: { idTagId: string; value: string },
  ): Promise<Reservation> {
    const id = newId('res');
    const now = this.clock.now();
    try {
      await this.db.query(
        `INSERT INTO reservations (id, ocpp_reservation_id, organization_id, charge_point_id, connector_id,
           ocpp_version, id_tag, ocpp_id_tag, id_tag_id, expiry_date, status, created_by, created_at, updated_at)
         VALUES ($1, nextval('reservation_ocpp_id_seq'), $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $11)`,
        [
          id,
          auth.orgId,
          cp.id,
          dto.connector_id,
          version,
          dto.id_tag,
          tag.value,
          tag.idTagId,
          expiry,
          auth.actor.id,
          now,
        ],
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Problems.conflict(
          'connector_reserved',
          `Connector ${dto.connector_id} of charge point ${cp.id} already has an active or pending reservation`,
        );
      }
      throw err;
    }
    return this.db.getRepository(Reservation).findOneByOrFail({ id });
  }

  private async end(id: string, status: 'rejected', reason: string): Promise<void> {
    await this.db
      .getRepository(Reservation)
      .update({ id, status: 'pending' }, { status, statusReason: reason, endedAt: this.clock.now() });
  }

  private refused(view: ReservationView, reason: string | null) {
    const charger = reason && CHARGER_REFUSALS.includes(reason) ? reason : null;
    if (reason === 'charge_point_offline') return this.offline(view.charge_point_id);
    return Problems.conflict(
      charger ? charger.toLowerCase() : snake(reason ?? 'rejected'),
      charger
        ? `The charge point refused the reservation: ${charger}`
        : `The reservation could not be made on the charge point (${reason})`,
      { reason, reservation: view },
    );
  }

  /** A reservation of the caller's organization; a driver's own only (another's is a 404). */
  private async find(auth: AuthContext, id: string): Promise<Reservation> {
    const reservation = await this.db
      .getRepository(Reservation)
      .findOneBy({ id, organizationId: auth.orgId });
    if (!reservation) throw Problems.notFound('Reservation', id);
    if (auth.driverId && !(await this.tagIdsOf(auth.driverId)).includes(reservation.idTagId ?? '')) {
      throw Problems.notFound('Reservation', id);
    }
    return reservation;
  }

  /** The id tags a driver holds now (their reservations are those made with them). */
  private async tagIdsOf(driverId: string): Promise<string[]> {
    const tags = await this.db.getRepository(IdTag).find({ where: { driverId }, select: { id: true } });
    return tags.map((t) => t.id);
  }

  private async requireDriversTag(driverId: string, idTagId: string): Promise<void> {
    if (!(await this.tagIdsOf(driverId)).includes(idTagId)) {
      throw Problems.unprocessable('id_tag_not_yours', 'A driver can reserve only with their own id tags', {
        errors: [{ field: 'id_tag', message: 'not one of your id tags' }],
      });
    }
  }

  private async chargePoint(orgId: string, id: string): Promise<ChargePoint> {
    const cp = await this.db
      .getRepository(ChargePoint)
      .findOneBy({ id, organizationId: orgId, decommissionedAt: IsNull() });
    if (!cp) throw Problems.notFound('Charge point', id);
    return cp;
  }

  private versionOf(cp: ChargePoint): OcppVersion {
    const version = cp.connectedOcppVersion ?? (cp.ocppVersion === 'auto' ? null : cp.ocppVersion);
    if (!version) {
      throw Problems.conflict(
        'ocpp_version_unknown',
        `Charge point ${cp.id} has never connected and expects either OCPP version`,
      );
    }
    return version;
  }

  private expiryOf(value: string): Date {
    const at = new Date(value);
    const now = this.clock.nowMs();
    const max = this.config.reservations.maxSeconds;
    if (at.getTime() <= now) {
      throw Problems.validation([{ field: 'expiry_date', message: 'expiry_date must be in the future' }]);
    }
    if (at.getTime() > now + max * 1000) {
      throw Problems.validation([
        { field: 'expiry_date', message: `expiry_date must be at most ${max} seconds from now` },
      ]);
    }
    return at;
  }

  private async idTagOf(orgId: string, value: string, version: OcppVersion) {
    const limit = idTagLimit(version);
    const tooLong = (field: string) =>
      Problems.unprocessable(
        'id_tag_too_long',
        `id_tag must be at most ${limit} characters for OCPP ${version} charge points`,
        {
          errors: [{ field, message: `at most ${limit} characters for OCPP ${version}` }],
          max_length: limit,
        },
      );
    const tag = await this.idTags.resolve(orgId, value);
    if (!tag) {
      if (value.length > limit) throw tooLong('id_tag');
      throw Problems.unprocessable(
        'id_tag_not_registered',
        `id_tag ${value} is not an id tag of this organization`,
        { errors: [{ field: 'id_tag', message: 'not a registered id tag' }] },
      );
    }
    if (tag.value.length > limit) throw tooLong('id_tag');
    if (tag.status !== 'active' || (tag.expiresAt && tag.expiresAt.getTime() <= this.clock.nowMs())) {
      throw Problems.unprocessable(
        'id_tag_not_usable',
        `id_tag ${value} is ${tag.status === 'active' ? 'expired' : tag.status}`,
        { errors: [{ field: 'id_tag', message: 'the id tag is blocked or expired' }] },
      );
    }
    return tag;
  }

  /** The connector must be known: 1.6 connectorId N / 2.0.1 EVSE N, created by the operator or reported. */
  private async requireConnector(chargePointId: string, connectorId: number): Promise<void> {
    const [row] = (await this.db.query(
      `SELECT 1 FROM evses WHERE charge_point_id = $1 AND evse_number = $2
       UNION ALL SELECT 1 FROM connectors WHERE charge_point_id = $1 AND evse_number = $2 LIMIT 1`,
      [chargePointId, connectorId],
    )) as unknown[];
    if (!row) {
      throw Problems.validation([
        {
          field: 'connector_id',
          message: `charge point ${chargePointId} has no connector ${connectorId}`,
        },
      ]);
    }
  }

  private offline(id: string) {
    return Problems.conflict('charge_point_offline', `Charge point ${id} is not connected`);
  }
}

function isOffline(err: unknown): boolean {
  return (err as { code?: string })?.code === 'charge_point_offline';
}

function snake(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
}
