import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { PROJECT_STATUSES, ProjectStatus } from '@csms/domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NotNull = () => ValidateIf((_: object, v: unknown) => v !== undefined);
const SITE_OWNER_ID = /^so_[0-9A-HJKMNP-TV-Z]{26}$/;

export class CoordinatesDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 51.5054 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: -0.0235 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;
}

export class CreateProjectDto {
  @ApiProperty({ example: 'Canary Wharf Car Park', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    example: '1 Canada Square, London E14 5AB',
    maxLength: 500,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  address?: string | null;

  @ApiPropertyOptional({ type: CoordinatesDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CoordinatesDto)
  coordinates?: CoordinatesDto | null;

  @ApiPropertyOptional({ enum: PROJECT_STATUSES, default: 'commissioning' })
  @NotNull()
  @IsIn(PROJECT_STATUSES)
  status?: ProjectStatus;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'The site owner hosting the project (so_...); site owners are usually given projects by invitation',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(SITE_OWNER_ID, { message: 'site_owner_id must be a site owner id (so_...)' })
  site_owner_id?: string | null;
}

/** Every field optional; `null` clears address, coordinates and site owner. */
export class UpdateProjectDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @NotNull()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  address?: string | null;

  @ApiPropertyOptional({ type: CoordinatesDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CoordinatesDto)
  coordinates?: CoordinatesDto | null;

  @ApiPropertyOptional({ enum: PROJECT_STATUSES })
  @NotNull()
  @IsIn(PROJECT_STATUSES)
  status?: ProjectStatus;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(SITE_OWNER_ID, { message: 'site_owner_id must be a site owner id (so_...)' })
  site_owner_id?: string | null;
}

export class ProjectQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PROJECT_STATUSES })
  @IsOptional()
  @IsIn(PROJECT_STATUSES)
  status?: ProjectStatus;

  @ApiPropertyOptional({ description: 'Only projects hosted by this site owner' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  site_owner_id?: string;
}

export class CoordinatesView {
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
}

export class ProjectView {
  @ApiProperty({ example: 'proj_01HXD6E5F4G3H2I1JKMNPQRSTV' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: CoordinatesView }) coordinates: CoordinatesView | null;
  @ApiProperty({ enum: PROJECT_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) site_owner_id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set with PUT /api/v1/projects/{id}/tariff' })
  tariff_id: string | null;
  @ApiProperty({ description: 'Live (not decommissioned) charge points assigned to the project' })
  charge_point_count: number;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ProjectListView {
  @ApiProperty({ type: [ProjectView] }) data: ProjectView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
