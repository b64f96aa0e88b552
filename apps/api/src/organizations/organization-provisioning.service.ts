import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Problems, isUniqueViolation, newId } from '@csms/common';
import { DEFAULT_ORGANIZATION_SETTINGS, Membership, Organization, OrganizationSettings } from '@csms/domain';
import { AuditService } from '../audit/audit.service';
import { slugify } from './slug';

export interface NewOrganization {
  name: string;
  country: string;
  contactEmail: string;
  slug?: string;
  settings?: Partial<OrganizationSettings>;
  address?: string | null;
  taxId?: string | null;
}

/** Validated DTOs carry absent fields as `undefined`; they must not override the defaults. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Creates an organization with its owner membership, inside the caller's transaction. */
@Injectable()
export class OrganizationProvisioningService {
  constructor(private readonly audit: AuditService) {}

  async create(manager: EntityManager, input: NewOrganization, ownerUserId: string): Promise<Organization> {
    const slug = input.slug ?? (await this.freeSlug(manager, slugify(input.name)));
    const organization = manager.create(Organization, {
      id: newId('org'),
      name: input.name,
      slug,
      country: input.country,
      contactEmail: input.contactEmail,
      address: input.address ?? null,
      taxId: input.taxId ?? null,
      settings: {
        ...DEFAULT_ORGANIZATION_SETTINGS,
        ...definedOnly(input.settings),
        notification_preferences: {
          ...DEFAULT_ORGANIZATION_SETTINGS.notification_preferences,
          ...definedOnly(input.settings?.notification_preferences),
        },
      },
    });
    try {
      await manager.insert(Organization, organization);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Problems.conflict('slug_taken', `The slug "${slug}" is already in use`);
      }
      throw err;
    }
    await manager.insert(Membership, {
      id: newId('mem'),
      organizationId: organization.id,
      userId: ownerUserId,
      role: 'owner',
    });
    const created = await manager.findOneByOrFail(Organization, { id: organization.id });
    await this.audit.record(
      manager,
      created.id,
      { type: 'user', id: ownerUserId },
      {
        action: 'organization.created',
        resourceType: 'organization',
        resourceId: created.id,
        after: {
          name: created.name,
          slug: created.slug,
          country: created.country,
          owner_user_id: ownerUserId,
        },
      },
    );
    return created;
  }

  /** The base slug if free, else the base with a short random suffix. */
  private async freeSlug(manager: EntityManager, base: string): Promise<string> {
    if (!(await manager.existsBy(Organization, { slug: base }))) return base;
    for (let i = 0; i < 5; i++) {
      const candidate = `${base.slice(0, 56)}-${randomBytes(3).toString('hex')}`;
      if (!(await manager.existsBy(Organization, { slug: candidate }))) return candidate;
    }
    return `${base.slice(0, 48)}-${randomBytes(6).toString('hex')}`;
  }
}
