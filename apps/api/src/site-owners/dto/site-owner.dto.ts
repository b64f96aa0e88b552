import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { SITE_OWNER_STATUSES } from '@csms/domain';
import { TokenResponse } from '../../identity/dto/responses.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PROJECT_ID = /^proj_[0-9A-HJKMNP-TV-Z]{26}$/;

export const ONBOARDING_STEPS = ['profile', 'bank_details', 'documents', 'approval'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];
export const ONBOARDING_STAGES = [
  'profile_pending',
  'bank_details_pending',
  'documents_pending',
  'submission_pending',
  'approval_pending',
  'rejected',
  'active',
] as const;
export type OnboardingStage = (typeof ONBOARDING_STAGES)[number];

export class InviteSiteOwnerDto {
  @ApiProperty({ example: 'facilities@canarywharf.example' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({
    type: [String],
    example: ['proj_01HXD6E5F4G3H2I1JKMNPQRSTV'],
    description: 'Projects the site owner will host',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(PROJECT_ID, { each: true, message: 'project_ids must hold project ids (proj_...)' })
  project_ids: string[];

  @ApiPropertyOptional({ example: 'Canary Wharf Group', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  company_name?: string;
}

export class AcceptSiteOwnerInvitationDto {
  @ApiPropertyOptional({ description: 'To create the account (without auth)', maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  first_name?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  last_name?: string;

  @ApiPropertyOptional({ minLength: 12, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(12, 200)
  password?: string;
}

export class SiteOwnerProfileDto {
  @ApiProperty({ example: 'Canary Wharf Group', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  company_name: string;

  @ApiProperty({ example: 'Sam Facilities', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  contact_name: string;

  @ApiPropertyOptional({ example: '+44 20 7418 2000', maxLength: 50 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^\+?[0-9 ()-]{4,50}$/, { message: 'contact_phone must be a phone number' })
  contact_phone?: string;

  @ApiProperty({ example: '1 Canada Square, London E14 5AB', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  address: string;

  @ApiProperty({ example: 'GB123456789', maxLength: 50 })
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9 .-]{2,50}$/, {
    message: 'tax_id must be 2-50 letters, digits, spaces, dots or dashes',
  })
  tax_id: string;
}

export class BankDetailsDto {
  @ApiProperty({ example: 'GB82 WEST 1234 5698 7654 32', description: 'Checked by its ISO 13616 checksum' })
  @IsString()
  @Length(15, 50)
  iban: string;

  @ApiProperty({ example: 'Canary Wharf Group plc', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  account_holder: string;
}

export class RejectSiteOwnerDto {
  @ApiProperty({ example: 'The proof of ownership is illegible', maxLength: 1000 })
  @Transform(trim)
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class SiteOwnerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SITE_OWNER_STATUSES })
  @IsOptional()
  @IsIn(SITE_OWNER_STATUSES)
  status?: (typeof SITE_OWNER_STATUSES)[number];
}

export class UploadDocumentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, JPEG or PNG (checked by content)' })
  file: unknown;
}

export class OnboardingStatusView {
  @ApiProperty({ enum: ONBOARDING_STAGES, example: 'documents_pending' }) stage: OnboardingStage;
  @ApiProperty({ enum: ONBOARDING_STEPS, isArray: true, example: ['profile', 'bank_details'] })
  completed_steps: OnboardingStep[];
  @ApiProperty({ enum: ONBOARDING_STEPS, isArray: true, example: ['documents', 'approval'] })
  pending_steps: OnboardingStep[];
}

export class BankDetailsView {
  @ApiProperty({ example: '7632', description: 'Only the last 4 characters are ever returned' })
  iban_last4: string;
  @ApiProperty() account_holder: string;
}

export class DocumentView {
  @ApiProperty({ example: 'doc_01HXD6E5F4G3H2I1JKMNPQRSTV' }) id: string;
  @ApiProperty() file_name: string;
  @ApiProperty({ enum: ['application/pdf', 'image/jpeg', 'image/png'] }) content_type: string;
  @ApiProperty() size_bytes: number;
  @ApiProperty() sha256: string;
  @ApiProperty() uploaded_at: string;
}

export class SiteOwnerProfileView {
  @ApiProperty({ example: 'so_01HXD6E5F4G3H2I1JKMNPQRSTV' }) id: string;
  @ApiProperty() organization_id: string;
  @ApiProperty() user_id: string;
  @ApiProperty() email: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ enum: SITE_OWNER_STATUSES }) status: string;
  @ApiProperty({ enum: ONBOARDING_STAGES }) stage: string;
  @ApiProperty({ nullable: true, type: String }) company_name: string | null;
  @ApiProperty({ nullable: true, type: String }) contact_name: string | null;
  @ApiProperty({ nullable: true, type: String }) contact_phone: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) tax_id: string | null;
  @ApiProperty({ nullable: true, type: BankDetailsView }) bank_details: BankDetailsView | null;
  @ApiProperty({ nullable: true, type: String }) submitted_at: string | null;
  @ApiProperty({ nullable: true, type: String }) approved_at: string | null;
  @ApiProperty({ nullable: true, type: String }) rejected_at: string | null;
  @ApiProperty({ nullable: true, type: String }) rejection_reason: string | null;
  @ApiProperty() created_at: string;
}

export class SiteOwnerDetailView extends SiteOwnerProfileView {
  @ApiProperty({ type: [DocumentView] }) documents: DocumentView[];
  @ApiProperty({ type: [String] }) project_ids: string[];
}

export class SiteOwnerListView {
  @ApiProperty({ type: [SiteOwnerProfileView] }) data: SiteOwnerProfileView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class SiteOwnerProjectView {
  @ApiProperty({ example: 'proj_01HXD6E5F4G3H2I1JKMNPQRSTV' }) id: string;
  @ApiProperty({ example: 'Canary Wharf Car Park' }) name: string;
  @ApiProperty({ example: 12 }) charge_point_count: number;
  @ApiProperty({ example: 'active' }) status: string;
}

export class SiteOwnerProjectListView {
  @ApiProperty({ type: [SiteOwnerProjectView] }) data: SiteOwnerProjectView[];
  @ApiProperty() total: number;
}

export class SiteOwnerInvitationView {
  @ApiProperty({ example: 'inv_01HXD6E5F4G3H2I1JKMNPQRSTV' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) company_name: string | null;
  @ApiProperty({ type: [String] }) project_ids: string[];
  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] }) status: string;
  @ApiProperty() expires_at: string;
  @ApiProperty() created_at: string;
}

export class SiteOwnerInvitationListView {
  @ApiProperty({ type: [SiteOwnerInvitationView] }) data: SiteOwnerInvitationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class AcceptedSiteOwnerInvitationView {
  @ApiProperty({ type: SiteOwnerProfileView }) site_owner: SiteOwnerProfileView;
  @ApiProperty({ type: [SiteOwnerProjectView] }) projects: SiteOwnerProjectView[];
  @ApiPropertyOptional({ type: TokenResponse, description: 'Set when the account was created by accepting' })
  token?: TokenResponse;
}
