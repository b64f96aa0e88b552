import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';

/** The Management API's roles. */
export const MANAGEMENT_ROLES = ['ADMIN', 'USER', 'OPERATOR', 'VIEWER'] as const;
export type ManagementRole = (typeof MANAGEMENT_ROLES)[number];
export const MANAGEMENT_INVITATION_STATUSES = ['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED'] as const;

export class ManagementPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1, { message: 'page must be between 1 and 1000' })
  @Max(1000, { message: 'page must be between 1 and 1000' })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'perPage must be an integer' })
  @Min(1, { message: 'perPage must be between 1 and 100' })
  @Max(100, { message: 'perPage must be between 1 and 100' })
  perPage?: number;
}

export class ManagementRoleDto {
  @ApiProperty({ enum: MANAGEMENT_ROLES, example: 'ADMIN' })
  @IsIn(MANAGEMENT_ROLES, { message: `role must be one of: ${MANAGEMENT_ROLES.join(', ')}` })
  role: ManagementRole;
}

export class ManagementCreateInvitationDto {
  @ApiProperty({ example: 'engineer@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: MANAGEMENT_ROLES, example: 'USER' })
  @IsIn(MANAGEMENT_ROLES, { message: `role must be one of: ${MANAGEMENT_ROLES.join(', ')}` })
  role: ManagementRole;
}

export class ManagementUserProfile {
  @ApiProperty() id: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty() email: string;
}

export class ManagementMember {
  @ApiProperty({ example: 'mem_01HX...' }) id: string;
  @ApiProperty({ enum: MANAGEMENT_ROLES }) role: ManagementRole;
  @ApiProperty({ description: 'The role in the CSMS itself', example: 'member' }) nativeRole: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() owner: boolean;
  @ApiProperty() userId: string;
  @ApiProperty({ type: ManagementUserProfile }) userProfile: ManagementUserProfile;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ManagementInvitation {
  @ApiProperty({ example: 'inv_01HX...' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: MANAGEMENT_INVITATION_STATUSES }) status: string;
  @ApiProperty({ enum: MANAGEMENT_ROLES }) role: ManagementRole;
  @ApiProperty({ example: 'member' }) nativeRole: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() organizationName: string;
  @ApiProperty() sentAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ManagementMemberPage {
  @ApiProperty({ type: [ManagementMember] }) data: ManagementMember[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class ManagementInvitationPage {
  @ApiProperty({ type: [ManagementInvitation] }) data: ManagementInvitation[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class ManagementMessage {
  @ApiProperty({ example: 'Invitation resent' }) message: string;
}
