import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Problems } from '@csms/common';
import { Membership, Organization, User } from '@csms/domain';
import { OrganizationView, toOrganizationView } from './organization.view';

@Injectable()
export class OrganizationsService {
  constructor(private readonly db: DataSource) {}

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
}
