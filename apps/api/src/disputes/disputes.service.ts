import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, Page, Problems, isUniqueViolation, newId, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargingSession, Dispute, Driver, OutboundEmail } from '@csms/domain';
import { NotificationsProducer } from '@csms/queues';
import { decimalString } from '../tariffs/tariffs.service';
import { minorDigits, minorToMajor, roundHalfUp, toMicros } from '../tariffs/pricing';
import { DisputeCreatedView } from '../portal/dto/portal.dto';
import { AuditService } from '../audit/audit.service';
import { DisputeListQueryDto, DisputeView, ResolveDisputeDto } from './dto/dispute.dto';

/** A major-unit JSON number as exact minor units. */
function toMinor(amount: number, currency: string): number {
  const scale = 10n ** BigInt(minorDigits(currency));
  return Number(roundHalfUp(toMicros(decimalString(amount)) * scale, 1_000_000n));
}

/**
 * Billing disputes: a driver opens one per session at a time; the operator resolves it and the driver
 * is emailed the outcome through the outbox.
 */
@Injectable()
export class DisputesService {
  private readonly logger = new Logger('Disputes');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly producer: NotificationsProducer,
    private readonly audit: AuditService,
  ) {}

  private async view(d: Dispute, manager: EntityManager = this.db.manager): Promise<DisputeView> {
    const session = await manager.findOneBy(ChargingSession, { id: d.sessionId });
    const major = (minor: number | null) => (minor === null ? null : minorToMajor(minor, d.currency));
    return {
      dispute_id: d.id,
      session_id: d.sessionId,
      driver_id: d.driverId,
      status: d.status,
      reason: d.reason,
      expected_cost: major(d.expectedCostMinor),
      session_cost: major(session?.costTotalMinor ?? null),
      currency: d.currency,
      refund_amount: major(d.refundAmountMinor),
      note: d.resolutionNote,
      created_at: d.createdAt.toISOString(),
      resolved_at: d.resolvedAt?.toISOString() ?? null,
    };
  }

  async open(
    session: ChargingSession,
    driverId: string,
    reason: string,
    expectedCost: number | undefined,
  ): Promise<DisputeCreatedView> {
    const currency = session.currency ?? 'EUR';
    const dispute: Partial<Dispute> = {
      id: newId('disp'),
      organizationId: session.organizationId,
      sessionId: session.id,
      driverId,
      reason,
      expectedCostMinor: expectedCost === undefined ? null : toMinor(expectedCost, currency),
      currency,
      status: 'open',
    };
    try {
      await this.db.getRepository(Dispute).insert(dispute);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Problems.conflict('dispute_open', 'This session already has an open dispute');
      }
      throw err;
    }
    const saved = await this.db.getRepository(Dispute).findOneByOrFail({ id: dispute.id });
    return {
      dispute_id: saved.id,
      session_id: saved.sessionId,
      status: saved.status,
      created_at: saved.createdAt.toISOString(),
    };
  }

  async listForDriver(organizationId: string, driverId: string): Promise<DisputeView[]> {
    const rows = await this.db.getRepository(Dispute).find({
      where: { organizationId, driverId },
      order: { createdAt: 'DESC' },
      take: 100,
    });
    return Promise.all(rows.map((d) => this.view(d)));
  }

  async list(auth: AuthContext, query: DisputeListQueryDto): Promise<Page<DisputeView>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(Dispute).findAndCount({
      where: { organizationId: auth.orgId, ...(query.status && { status: query.status }) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(await Promise.all(rows.map((d) => this.view(d))), total, query);
  }

  async resolve(auth: AuthContext, id: string, dto: ResolveDisputeDto): Promise<DisputeView> {
    const emailId = newId('msg');
    const view = await this.db.transaction(async (manager) => {
      const dispute = await manager
        .getRepository(Dispute)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.id = :id AND d.organization_id = :orgId', { id, orgId: auth.orgId })
        .getOne();
      if (!dispute) throw Problems.notFound('Dispute', id);
      if (dispute.status !== 'open') {
        throw Problems.conflict('dispute_resolved', `This dispute was already ${dispute.status}`);
      }
      if (dto.outcome === 'rejected' && dto.refund_amount) {
        throw Problems.validation([{ field: 'refund_amount', message: 'a rejected dispute has no refund' }]);
      }
      await manager.update(
        Dispute,
        { id: dispute.id },
        {
          status: dto.outcome,
          refundAmountMinor:
            dto.refund_amount === undefined ? null : toMinor(dto.refund_amount, dispute.currency),
          resolutionNote: dto.note,
          resolvedAt: this.clock.now(),
          resolvedBy: auth.actor.id,
        },
      );
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'dispute.resolved',
        resourceType: 'dispute',
        resourceId: dispute.id,
        before: { status: 'open' },
        after: { status: dto.outcome, refund_amount: dto.refund_amount ?? null, note: dto.note },
      });
      const driver = await manager.findOneByOrFail(Driver, { id: dispute.driverId });
      await manager.insert(OutboundEmail, {
        id: emailId,
        organizationId: auth.orgId,
        recipient: driver.email,
        template: 'dispute_resolved',
        disputeId: dispute.id,
        status: 'pending',
      });
      return this.view(await manager.findOneByOrFail(Dispute, { id: dispute.id }), manager);
    });
    await this.producer.enqueueEmail(emailId).catch((err: unknown) => {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    });
    return view;
  }
}
