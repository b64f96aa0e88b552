import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { INVITATION_STATUSES, InvitationStatus, ROLES, Role } from '@csms/domain';
import { UserView } from '../../identity/dto/responses.dto';

/** Every role but owner: ownership is transferred, never invited. */
export const INVITABLE_ROLES = ROLES.filter((r) => r !== 'owner');

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateInvitationDto {
  @ApiProperty({ example: 'charlie@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: INVITABLE_ROLES, example: 'member' })
  @IsIn(INVITABLE_ROLES, { message: `role must be one of: ${INVITABLE_ROLES.join(', ')}` })
  role: Role;
}

export class InvitationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES, { message: `status must be one of: ${INVITATION_STATUSES.join(', ')}` })
  status?: InvitationStatus;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the invitation link', example: 'csms_inv_...' })
  @IsString()
  @Length(1, 200)
  token: string;

  @ApiPropertyOptional({
    description: 'Without sign-in: creates the account of the invited email',
    example: 'Charlie',
  })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @Length(1, 100)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Brown' })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @Length(1, 100)
  last_name?: string;

  @ApiPropertyOptional({ minLength: 12, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(12, 200, { message: 'password must be between 12 and 200 characters' })
  password?: string;
}

export class InvitationView {
  @ApiProperty({ example: 'inv_01HXC5D4E3F2G1H0JKMNPQRSTV' }) id: string;
  @ApiProperty({ description: 'Same as id (the operator guide names it so)' }) invitation_id: string;
  @ApiProperty() organization_id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: INVITABLE_ROLES }) role: Role;
  @ApiProperty({ enum: INVITATION_STATUSES }) status: InvitationStatus;
  @ApiProperty() expires_at: string;
  @ApiProperty({ description: 'When it was last issued (created or resent)' }) sent_at: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) accepted_at: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'User or API key that sent it' }) invited_by:
    string | null;
}

export class InvitationListView {
  @ApiProperty({ type: [InvitationView] }) data: InvitationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ResendInvitationView extends InvitationView {
  @ApiProperty({ example: 'Invitation resent' }) message: string;
}

export class AcceptedInvitationView {
  @ApiProperty() organization_id: string;
  @ApiProperty() organization_name: string;
  @ApiProperty() membership_id: string;
  @ApiProperty() role: string;
  @ApiProperty() joined_at: string;
  @ApiProperty({ type: UserView }) user: UserView;
  @ApiPropertyOptional({ description: 'Only when the account was created now: a bearer token for it' })
  token?: string;
  @ApiPropertyOptional({ example: 'Bearer' }) token_type?: string;
  @ApiPropertyOptional() expires_at?: string;
}
