import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ReadStream, createReadStream } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  Clock,
  Page,
  ProblemException,
  Problems,
  newId,
  page,
  pageParams,
} from '@csms/common';
import { Membership, OutboundEmail, Project, SiteOwner, SiteOwnerDocument, User } from '@csms/domain';
import type { AuthContext } from '@csms/auth';
import { NotificationsProducer } from '@csms/queues';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import { detectDocumentType } from './document-type';
import {
  BankDetailsDto,
  DocumentView,
  OnboardingStatusView,
  OnboardingStep,
  SiteOwnerDetailView,
  SiteOwnerProfileDto,
  SiteOwnerProfileView,
  SiteOwnerProjectListView,
  SiteOwnerQueryDto,
} from './dto/site-owner.dto';
import { encryptIban, isValidIban, normalizeIban } from './iban';
import {
  onboardingStatus,
  toDocumentView,
  toSiteOwnerProjectView,
  toSiteOwnerView,
} from './site-owner.views';

/** 413 with a stable code; also what the upload interceptor answers when multer stops reading. */
export function documentTooLarge(config: AppConfig): ProblemException {
  return new ProblemException(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'document_too_large',
    `Documents may be at most ${config.siteOwners.documentMaxBytes} bytes`,
    { max_bytes: config.siteOwners.documentMaxBytes },
  );
}

export interface UploadedDocument {
  originalname: string;
  size: number;
  buffer: Buffer;
}

/**
 * The site owner's own onboarding and projects (found by the signed-in user, never by a path id), and
 * the operator's view of the organization's site owners (scoped by the caller's organization).
 */
@Injectable()
export class SiteOwnersService {
  private readonly logger = new Logger(SiteOwnersService.name);

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly projects: ProjectsService,
    private readonly producer: NotificationsProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // --- the site owner's side ---

  async profile(auth: AuthContext): Promise<SiteOwnerProfileView> {
    const owner = await this.mine(auth);
    return this.view(owner);
  }

  async status(auth: AuthContext): Promise<OnboardingStatusView> {
    const owner = await this.mine(auth);
    return onboardingStatus(owner, await this.documentCount(owner.id));
  }

  async updateProfile(auth: AuthContext, dto: SiteOwnerProfileDto): Promise<SiteOwnerProfileView> {
    const owner = await this.mine(auth);
    this.assertEditable(owner);
    await this.db.getRepository(SiteOwner).update(
      { id: owner.id },
      {
        companyName: dto.company_name,
        contactName: dto.contact_name,
        contactPhone: dto.contact_phone ?? null,
        address: dto.address,
        taxId: dto.tax_id,
        profileCompletedAt: owner.profileCompletedAt ?? this.clock.now(),
      },
    );
    return this.view(await this.mine(auth));
  }

  async updateBankDetails(auth: AuthContext, dto: BankDetailsDto): Promise<SiteOwnerProfileView> {
    const owner = await this.mine(auth);
    this.assertEditable(owner);
    await this.assertStepsDone(owner, ['profile']);
    if (!isValidIban(dto.iban)) {
      throw Problems.validation(
        [{ field: 'iban', message: 'iban is not a valid IBAN (country, check digits and checksum)' }],
        'Invalid IBAN',
      );
    }
    const iban = normalizeIban(dto.iban);
    await this.db.getRepository(SiteOwner).update(
      { id: owner.id },
      {
        ibanEncrypted: encryptIban(iban, this.config.siteOwners.bankDetailsKey),
        ibanLast4: iban.slice(-4),
        accountHolder: dto.account_holder,
        bankDetailsCompletedAt: owner.bankDetailsCompletedAt ?? this.clock.now(),
      },
    );
    return this.view(await this.mine(auth));
  }

  /**
   * Writes the file under a generated name (never the uploader's) through a temporary file and a
   * rename, then records it; a failed insert removes the file again.
   */
  async uploadDocument(auth: AuthContext, file: UploadedDocument | undefined): Promise<DocumentView> {
    const owner = await this.mine(auth);
    this.assertEditable(owner);
    await this.assertStepsDone(owner, ['profile', 'bank_details']);
    if (!file) {
      throw Problems.validation([{ field: 'file', message: 'file is required (multipart/form-data)' }]);
    }
    if (file.size > this.config.siteOwners.documentMaxBytes) throw documentTooLarge(this.config);
    const type = detectDocumentType(file.buffer);
    if (!type) {
      throw Problems.unprocessable(
        'unsupported_document_type',
        'Documents must be PDF, JPEG or PNG files (the content is checked, not the file name)',
      );
    }
    const id = newId('doc');
    const storageName = `${id.toLowerCase()}.${type.extension}`;
    const dir = resolve(this.config.siteOwners.documentsDir);
    const path = join(dir, storageName);
    await mkdir(dir, { recursive: true });
    await writeFile(`${path}.part`, file.buffer, { mode: 0o600 });
    await rename(`${path}.part`, path);
    const doc = this.db.getRepository(SiteOwnerDocument).create({
      id,
      organizationId: owner.organizationId,
      siteOwnerId: owner.id,
      fileName: (file.originalname || 'document').replace(/[\r\n/\\]/g, '_').slice(0, 255),
      contentType: type.contentType,
      sizeBytes: file.size,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      storageName,
    });
    try {
      await this.db.getRepository(SiteOwnerDocument).insert(doc);
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return toDocumentView(await this.db.getRepository(SiteOwnerDocument).findOneByOrFail({ id }));
  }

  /** Submits for approval: every step but approval must be done; the operator is emailed. */
  async complete(auth: AuthContext): Promise<OnboardingStatusView> {
    const emailIds = await this.db.transaction(async (manager) => {
      const owner = await manager
        .getRepository(SiteOwner)
        .createQueryBuilder('so')
        .setLock('pessimistic_write')
        .where('so.user_id = :userId', { userId: auth.userId })
        .getOne();
      if (!owner) throw Problems.notFound('Site owner');
      if (owner.status === 'approval_pending') return [];
      if (owner.status === 'active') {
        throw Problems.conflict('onboarding_already_approved', 'Your onboarding is already approved');
      }
      const status = onboardingStatus(
        owner,
        await manager.countBy(SiteOwnerDocument, { siteOwnerId: owner.id }),
      );
      const missing = status.pending_steps.filter((s) => s !== 'approval');
      if (missing.length) {
        throw Problems.conflict(
          'onboarding_incomplete',
          `Complete these steps first: ${missing.join(', ')}`,
          { missing_steps: missing },
        );
      }
      await manager.update(
        SiteOwner,
        { id: owner.id },
        {
          status: 'approval_pending',
          submittedAt: this.clock.now(),
          rejectedAt: null,
          rejectionReason: null,
        },
      );
      await this.audit.record(manager, owner.organizationId, auth.actor, {
        action: 'site_owner.submitted',
        resourceType: 'site_owner',
        resourceId: owner.id,
        after: { status: 'approval_pending' },
      });
      return this.queueOperatorNotification(manager, owner);
    });
    for (const id of emailIds) await this.enqueue(id);
    return this.status(auth);
  }

  async myProjects(auth: AuthContext): Promise<SiteOwnerProjectListView> {
    const owner = await this.mine(auth);
    const projects = await this.db.getRepository(Project).find({
      where: { siteOwnerId: owner.id, organizationId: owner.organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const counts = await this.projects.chargePointCounts(projects.map((p) => p.id));
    return {
      data: projects.map((p) => toSiteOwnerProjectView(p, counts.get(p.id) ?? 0)),
      total: projects.length,
    };
  }

  // --- the operator's side ---

  async list(auth: AuthContext, query: SiteOwnerQueryDto): Promise<Page<SiteOwnerProfileView>> {
    const { take, skip } = pageParams(query);
    const qb = this.db
      .getRepository(SiteOwner)
      .createQueryBuilder('so')
      .innerJoinAndSelect('so.user', 'u')
      .where('so.organization_id = :org', { org: auth.orgId });
    if (query.status) qb.andWhere('so.status = :status', { status: query.status });
    const [rows, total] = await qb
      .orderBy('so.createdAt', 'DESC')
      .addOrderBy('so.id', 'DESC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    const counts = await this.documentCounts(rows.map((r) => r.id));
    return page(
      rows.map((r) => toSiteOwnerView(r, r.user!, counts.get(r.id) ?? 0)),
      total,
      query,
    );
  }

  async get(auth: AuthContext, id: string): Promise<SiteOwnerDetailView> {
    const owner = await this.owned(auth.orgId, id);
    const documents = await this.db
      .getRepository(SiteOwnerDocument)
      .find({ where: { siteOwnerId: owner.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const projects = await this.db
      .getRepository(Project)
      .find({ where: { siteOwnerId: owner.id }, order: { createdAt: 'ASC' }, select: { id: true } });
    return {
      ...toSiteOwnerView(owner, owner.user!, documents.length),
      documents: documents.map(toDocumentView),
      project_ids: projects.map((p) => p.id),
    };
  }

  /** The stored file of one of the site owner's documents, for the operator reviewing them. */
  async documentFile(
    auth: AuthContext,
    siteOwnerId: string,
    documentId: string,
  ): Promise<{ document: SiteOwnerDocument; stream: ReadStream }> {
    const owner = await this.owned(auth.orgId, siteOwnerId);
    const document = await this.db
      .getRepository(SiteOwnerDocument)
      .findOneBy({ id: documentId, siteOwnerId: owner.id, organizationId: auth.orgId });
    if (!document) throw Problems.notFound('Document', documentId);
    const path = join(resolve(this.config.siteOwners.documentsDir), document.storageName);
    try {
      await access(path);
    } catch {
      this.logger.error(`Document ${document.id} is missing from ${path}`);
      throw Problems.notFound('Document file', documentId);
    }
    return { document, stream: createReadStream(path) };
  }

  async approve(auth: AuthContext, id: string): Promise<SiteOwnerDetailView> {
    await this.decide(auth, id, 'active', null);
    return this.get(auth, id);
  }

  async reject(auth: AuthContext, id: string, reason: string): Promise<SiteOwnerDetailView> {
    await this.decide(auth, id, 'rejected', reason);
    return this.get(auth, id);
  }

  private async decide(
    auth: AuthContext,
    id: string,
    status: 'active' | 'rejected',
    reason: string | null,
  ): Promise<void> {
    await this.db.transaction(async (manager) => {
      const owner = await manager
        .getRepository(SiteOwner)
        .createQueryBuilder('so')
        .setLock('pessimistic_write')
        .where('so.id = :id AND so.organization_id = :org', { id, org: auth.orgId })
        .getOne();
      if (!owner) throw Problems.notFound('Site owner', id);
      if (owner.status !== 'approval_pending') {
        throw Problems.conflict(
          'site_owner_not_pending_approval',
          `Site owner ${id} is ${owner.status}; only a submitted onboarding can be approved or rejected`,
        );
      }
      const now = this.clock.now();
      await manager.update(
        SiteOwner,
        { id },
        status === 'active'
          ? { status, approvedAt: now, rejectedAt: null, rejectionReason: null }
          : { status, rejectedAt: now, rejectionReason: reason },
      );
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: status === 'active' ? 'site_owner.approved' : 'site_owner.rejected',
        resourceType: 'site_owner',
        resourceId: id,
        before: { status: owner.status },
        after: { status, ...(reason && { reason }) },
      });
    });
  }

  // --- helpers ---

  /** The caller's site-owner record; the guard has checked the user is a site owner. */
  private async mine(auth: AuthContext): Promise<SiteOwner & { user: User }> {
    const owner = await this.db
      .getRepository(SiteOwner)
      .findOne({ where: { userId: auth.userId! }, relations: { user: true } });
    if (!owner) throw Problems.notFound('Site owner');
    return owner as SiteOwner & { user: User };
  }

  private async owned(orgId: string, id: string): Promise<SiteOwner> {
    const owner = await this.db
      .getRepository(SiteOwner)
      .findOne({ where: { id, organizationId: orgId }, relations: { user: true } });
    if (!owner) throw Problems.notFound('Site owner', id);
    return owner;
  }

  private async view(owner: SiteOwner & { user: User }): Promise<SiteOwnerProfileView> {
    return toSiteOwnerView(owner, owner.user, await this.documentCount(owner.id));
  }

  private documentCount(siteOwnerId: string): Promise<number> {
    return this.db.getRepository(SiteOwnerDocument).countBy({ siteOwnerId });
  }

  private async documentCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .getRepository(SiteOwnerDocument)
      .createQueryBuilder('d')
      .select('d.site_owner_id', 'id')
      .addSelect('COUNT(*)::int', 'count')
      .where('d.site_owner_id IN (:...ids)', { ids })
      .groupBy('d.site_owner_id')
      .getRawMany<{ id: string; count: number }>();
    return new Map(rows.map((r) => [r.id, Number(r.count)]));
  }

  /** Submitted or approved details are what the operator decided on: they change no more. */
  private assertEditable(owner: SiteOwner): void {
    if (owner.status === 'approval_pending' || owner.status === 'active') {
      throw Problems.conflict(
        'onboarding_submitted',
        owner.status === 'active'
          ? 'Your onboarding is approved; ask the operator to change these details'
          : 'Your onboarding is waiting for approval; these details can no longer change',
      );
    }
  }

  /** Steps go in order: profile, bank details, documents. */
  private async assertStepsDone(owner: SiteOwner, steps: OnboardingStep[]): Promise<void> {
    const status = onboardingStatus(owner, await this.documentCount(owner.id));
    const missing = steps.filter((s) => !status.completed_steps.includes(s));
    if (missing.length) {
      throw Problems.conflict(
        'onboarding_step_out_of_order',
        `Complete these steps first: ${missing.join(', ')}`,
        {
          missing_steps: missing,
        },
      );
    }
  }

  /** One email to the operator who sent the invitation, or to the organization's owner. */
  private async queueOperatorNotification(manager: EntityManager, owner: SiteOwner): Promise<string[]> {
    let recipient: string | undefined;
    if (owner.invitedByUserId) {
      const inviter = await manager.getRepository(Membership).findOne({
        where: { organizationId: owner.organizationId, userId: owner.invitedByUserId },
        relations: { user: true },
      });
      recipient = inviter?.user?.email;
    }
    if (!recipient) {
      const ownerMembership = await manager.getRepository(Membership).findOne({
        where: { organizationId: owner.organizationId, role: 'owner' },
        relations: { user: true },
      });
      recipient = ownerMembership?.user?.email;
    }
    if (!recipient) return [];
    const id = newId('msg');
    await manager.insert(OutboundEmail, {
      id,
      organizationId: owner.organizationId,
      recipient,
      template: 'site_owner_submitted',
      siteOwnerId: owner.id,
      status: 'pending',
    });
    return [id];
  }

  private async enqueue(emailId: string): Promise<void> {
    try {
      await this.producer.enqueueEmail(emailId);
    } catch (err) {
      this.logger.warn(`Could not enqueue email ${emailId}; the outbox reconciler will: ${String(err)}`);
    }
  }
}
