import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Organization } from '@csms/domain';

export class OrganizationOwnerView {
  @ApiProperty() user_id: string;
  @ApiProperty() email: string;
}

export class OrganizationView {
  @ApiProperty({ example: 'org_01HX7A3B2C4D5E6F7G8H9J0K1M' }) id: string;
  @ApiProperty({ description: 'Same as id (the operator guide names it so)' }) organization_id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ example: 'GB' }) country: string;
  @ApiProperty() contact_email: string;
  @ApiPropertyOptional({ nullable: true, type: String }) address: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) tax_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings: Record<string, unknown>;
  @ApiProperty({ type: OrganizationOwnerView, nullable: true }) owner: OrganizationOwnerView | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export function toOrganizationView(
  org: Organization,
  owner: { id: string; email: string } | null,
): OrganizationView {
  return {
    id: org.id,
    organization_id: org.id,
    name: org.name,
    slug: org.slug,
    country: org.country,
    contact_email: org.contactEmail,
    address: org.address,
    tax_id: org.taxId,
    settings: { ...org.settings },
    owner: owner ? { user_id: owner.id, email: owner.email } : null,
    created_at: org.createdAt.toISOString(),
    updated_at: org.updatedAt.toISOString(),
  };
}
