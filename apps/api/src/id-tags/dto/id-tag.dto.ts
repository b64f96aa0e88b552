import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { ID_TAG_STATUSES, ID_TAG_TYPES } from '@csms/domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NotNull = () => ValidateIf((_: object, v: unknown) => v !== undefined);

export class CreateIdTagDto {
  @ApiProperty({
    description:
      'The token value: an OCPP 1.6 idTag (up to 20 characters) or a 2.0.1 idToken (up to 36); matched case-insensitively',
    example: 'DEADBEEF01',
    maxLength: 36,
  })
  @Transform(trim)
  @IsString()
  @Length(1, 36)
  @Matches(/^[\x20-\x7e]+$/, { message: 'value must be printable ASCII' })
  value: string;

  @ApiPropertyOptional({ enum: ID_TAG_TYPES, default: 'rfid' })
  @NotNull()
  @IsIn(ID_TAG_TYPES)
  type?: (typeof ID_TAG_TYPES)[number];

  @ApiPropertyOptional({ enum: ID_TAG_STATUSES, default: 'active' })
  @NotNull()
  @IsIn(ID_TAG_STATUSES)
  status?: (typeof ID_TAG_STATUSES)[number];

  @ApiPropertyOptional({ nullable: true, type: String, example: '2027-12-31T23:59:59Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200, example: 'Fleet card 12' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  label?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The driver holding the tag (null detaches); sessions record it at their start',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  driver_id?: string | null;
}

/** Every field optional; `null` clears expiry and label and is refused for the others. */
export class UpdateIdTagDto {
  @ApiPropertyOptional({ maxLength: 36 })
  @NotNull()
  @Transform(trim)
  @IsString()
  @Length(1, 36)
  @Matches(/^[\x20-\x7e]+$/, { message: 'value must be printable ASCII' })
  value?: string;

  @ApiPropertyOptional({ enum: ID_TAG_TYPES })
  @NotNull()
  @IsIn(ID_TAG_TYPES)
  type?: (typeof ID_TAG_TYPES)[number];

  @ApiPropertyOptional({ enum: ID_TAG_STATUSES })
  @NotNull()
  @IsIn(ID_TAG_STATUSES)
  status?: (typeof ID_TAG_STATUSES)[number];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  label?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The driver holding the tag (null detaches); sessions record it at their start',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  driver_id?: string | null;
}

export class IdTagListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ID_TAG_STATUSES })
  @IsOptional()
  @IsIn(ID_TAG_STATUSES)
  status?: (typeof ID_TAG_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Exact value, case-insensitive' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  value?: string;

  @ApiPropertyOptional({ description: "Only this driver's tags" })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  driver_id?: string;
}

export class IdTagView {
  @ApiProperty({ example: 'tag_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() value: string;
  @ApiProperty({ enum: ID_TAG_TYPES }) type: string;
  @ApiProperty({ enum: ID_TAG_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) expires_at: string | null;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
  @ApiProperty({ nullable: true, type: String }) driver_id: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class IdTagListView {
  @ApiProperty({ type: [IdTagView] }) data: IdTagView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
