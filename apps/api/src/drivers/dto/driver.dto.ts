import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { DRIVER_STATUSES } from '@csms/domain';
import { TokenResponse } from '../../identity/dto/responses.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateDriverDto {
  @ApiProperty({ example: 'driver@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @Length(3, 320)
  email: string;

  @ApiProperty({ example: 'Dana', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  first_name: string;

  @ApiProperty({ example: 'Driver', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  last_name: string;
}

export class UpdateDriverDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_: object, v: unknown) => v !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  first_name?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_: object, v: unknown) => v !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  last_name?: string;

  @ApiPropertyOptional({
    enum: ['active', 'disabled'],
    description: 'Disable (the portal refuses the driver) or re-enable an accepted driver',
  })
  @ValidateIf((_: object, v: unknown) => v !== undefined)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

export class DriverListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DRIVER_STATUSES })
  @IsOptional()
  @IsIn(DRIVER_STATUSES)
  status?: (typeof DRIVER_STATUSES)[number];
}

export class AcceptDriverInvitationDto {
  @ApiProperty({ description: 'The token from the invitation link' })
  @IsString()
  @Length(10, 200)
  token: string;

  @ApiProperty({ minLength: 12, maxLength: 200 })
  @IsString()
  @Length(12, 200)
  password: string;
}

export class DriverView {
  @ApiProperty({ example: 'drv_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() user_id: string;
  @ApiProperty() email: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ enum: DRIVER_STATUSES }) status: string;
  @ApiProperty({ type: [String], description: 'Ids of the id tags the driver holds' }) id_tag_ids: string[];
  @ApiProperty({ nullable: true, type: String }) invitation_expires_at: string | null;
  @ApiProperty() created_at: string;
}

export class DriverListView {
  @ApiProperty({ type: [DriverView] }) data: DriverView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class AcceptedDriverInvitationView {
  @ApiProperty({ type: DriverView }) driver: DriverView;
  @ApiProperty({ type: TokenResponse, description: 'A token to sign in with right away' })
  token: TokenResponse;
}
