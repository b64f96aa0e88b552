import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FieldError, ProblemException, Problems } from '@csms/common';
import { Membership, Organization, OrganizationSettings, User } from '@csms/domain';
import { AuthContext } from '@csms/auth';
import { AuditService } from '../audit/audit.service';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { SettingsView, UpdateSettingsDto } from './dto/settings.dto';
import { OrganizationProvisioningService } from './organization-provisioning.service';
import { OrganizationView, toOrganizationView } from './organization.view';

/** Settings only the owner may change (the guide: admins cannot manage billing settings). */
const BILLING_SETTINGS = ['default_currency', 'billing_email'] as const;
const REPLACE_FIELDS = ['name', 'country', 'contact_email'] as const;

export function toSettingsView(org: Organization): SettingsView {
  const s = org.settings;
  return {
    org_id: org.id,
    default_currency: s.default_currency,
    timezone: s.timezone,
    billing_email: s.billing_email ?? null,
    notification_preferences: {
      alert_emails: s.notification_preferences?.alert_emails ?? true,
      weekly_report: s.notification_preferences?.weekly_report ?? false,
    },
    session_idle_timeout_minutes: s.session_idle_timeout_minutes ?? 0,
  };
}

function organizationSnapshot(org: Organization): Record<string, unknown> {
  return {
    name: org.name,
    country: org.country,
    contact_email: org.contactEmail,
    address: org.address,
    tax_id: org.taxId,
  };
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: DataSource,
    private readonly provisioning: OrganizationProvisioningService,
    private readonly audit: AuditService,
  ) {}

  async create(auth: AuthContext, dto: CreateOrganizationDto): Promise<OrganizationView> {
    const userId = auth.userId;
    if (!userId) throw Problems.forbidden('API keys cannot create organizations', 'api_key_not_allowed');
    // A generated slug can lose a race with an equal name created at the same moment: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        const org = await this.db.transaction((manager) =>
          this.provisioning.create(
            manager,
            {
              name: dto.name,
              country: dto.country,
              contactEmail: dto.contact_email,
              slug: dto.slug,
              settings: dto.settings as Partial<OrganizationSettings> | undefined,
              address: dto.address ?? null,
              taxId: dto.tax_id ?? null,
            },
            userId,
          ),
        );
        return this.get(org.id);
      } catch (err) {
        const retry =
          err instanceof ProblemException && err.code === 'slug_taken' && !dto.slug && attempt < 3;
        if (!retry) throw err;
      }
    }
  }

  async get(orgId: string): Promise<OrganizationView> {
    const org = await this.db.getRepository(Organization).findOneBy({ id: orgId });
    if (!org) throw Problems.notFound('Organization', orgId);
    const owner = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(Membership, 'm', 'm.user_id = u.id')
      .where('m.organization_id = :orgId AND m.role = :role', { orgId, role: 'owner' })
      .getOne();
    return toOrganizationView(org, owner);
  }

  async update(auth: AuthContext, dto: UpdateOrganizationDto): Promise<OrganizationView> {
    const given = REPLACE_FIELDS.filter((f) => dto[f] !== undefined);
    const replaces = given.length > 0 || dto.address !== undefined || dto.tax_id !== undefined;
    if (replaces && given.length < REPLACE_FIELDS.length) {
      const missing = REPLACE_FIELDS.filter((f) => dto[f] === undefined);
      throw Problems.validation(
        missing.map((field) => ({
          field,
          message: `${field} is required when replacing the organization (send only settings to change settings alone)`,
        })),
      );
    }
    if (!replaces && dto.settings === undefined) {
      throw Problems.validation([
        { field: 'name', message: 'send name, country and contact_email, or settings' },
      ]);
    }
    await this.db.transaction(async (manager) => {
      const org = await this.lockOrganization(manager, auth.orgId);
      if (replaces) {
        const before = organizationSnapshot(org);
        org.name = dto.name!;
        org.country = dto.country!;
        org.contactEmail = dto.contact_email!;
        org.address = dto.address ?? null;
        org.taxId = dto.tax_id ?? null;
        await manager.update(
          Organization,
          { id: org.id },
          {
            name: org.name,
            country: org.country,
            contactEmail: org.contactEmail,
            address: org.address,
            taxId: org.taxId,
          },
        );
        await this.audit.record(manager, org.id, auth.actor, {
          action: 'organization.updated',
          resourceType: 'organization',
          resourceId: org.id,
          before,
          after: organizationSnapshot(org),
        });
      }
      if (dto.settings) await this.applySettings(manager, auth, org, dto.settings);
    });
    return this.get(auth.orgId);
  }

  async getSettings(orgId: string): Promise<SettingsView> {
    const org = await this.db.getRepository(Organization).findOneBy({ id: orgId });
    if (!org) throw Problems.notFound('Organization', orgId);
    return toSettingsView(org);
  }

  async updateSettings(auth: AuthContext, dto: UpdateSettingsDto): Promise<SettingsView> {
    return this.db.transaction(async (manager) => {
      const org = await this.lockOrganization(manager, auth.orgId);
      await this.applySettings(manager, auth, org, dto);
      return toSettingsView(org);
    });
  }

  /** Merges the given settings into the organization's; billing settings need the owner's permission. */
  private async applySettings(
    manager: EntityManager,
    auth: AuthContext,
    org: Organization,
    dto: UpdateSettingsDto,
  ): Promise<void> {
    if (!auth.can('settings.update')) throw Problems.forbidden('Requires permission settings.update');
    const current = toSettingsView(org);
    const changedBilling = BILLING_SETTINGS.filter(
      (field) => dto[field] !== undefined && (dto[field] ?? null) !== current[field],
    );
    if (changedBilling.length && !auth.can('settings.billing.update')) {
      throw new ProblemException(
        403,
        'billing_settings_owner_only',
        `Only the owner can change billing settings (${changedBilling.join(', ')})`,
        { errors: changedBilling.map((field): FieldError => ({ field, message: 'owner only' })) },
      );
    }
    const { org_id: _orgId, ...before } = current;
    const next: OrganizationSettings = {
      ...org.settings,
      ...before,
      ...(dto.default_currency !== undefined && { default_currency: dto.default_currency }),
      ...(dto.timezone !== undefined && { timezone: dto.timezone }),
      ...(dto.billing_email !== undefined && { billing_email: dto.billing_email ?? null }),
      ...(dto.session_idle_timeout_minutes !== undefined && {
        session_idle_timeout_minutes: dto.session_idle_timeout_minutes,
      }),
      notification_preferences: {
        ...before.notification_preferences,
        ...(dto.notification_preferences?.alert_emails !== undefined && {
          alert_emails: dto.notification_preferences.alert_emails,
        }),
        ...(dto.notification_preferences?.weekly_report !== undefined && {
          weekly_report: dto.notification_preferences.weekly_report,
        }),
      },
    };
    org.settings = next;
    await manager.update(Organization, { id: org.id }, { settings: next });
    await this.audit.record(manager, org.id, auth.actor, {
      action: 'settings.updated',
      resourceType: 'settings',
      resourceId: org.id,
      before,
      after: next,
    });
  }

  private async lockOrganization(manager: EntityManager, orgId: string): Promise<Organization> {
    const org = await manager
      .getRepository(Organization)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .where('o.id = :orgId', { orgId })
      .getOne();
    if (!org) throw Problems.notFound('Organization', orgId);
    return org;
  }
}
