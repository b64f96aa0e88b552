import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsObject,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCountryCode } from '@csms/common';
import { SLUG_PATTERN } from '../slug';
import { Present, UpdateSettingsDto, trim } from './settings.dto';

const Nullable = () => ValidateIf((_o: unknown, value: unknown) => value !== undefined && value !== null);

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Greenway Charging Ltd' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2' })
  @IsCountryCode()
  country: string;

  @ApiProperty({ example: 'ops@greenway.example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'contact_email must be a valid email address' })
  @MaxLength(320)
  contact_email: string;

  @ApiPropertyOptional({
    example: 'greenway',
    description: 'Globally unique; generated from the name when omitted',
  })
  @Present()
  @IsString()
  @Length(1, 64)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters, digits and inner hyphens' })
  slug?: string;

  @ApiPropertyOptional({ type: UpdateSettingsDto })
  @Present()
  @IsObject({ message: 'settings must be an object' })
  @ValidateNested()
  @Type(() => UpdateSettingsDto)
  settings?: UpdateSettingsDto;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '1 Canal St, London',
    description: 'Printed on receipts',
  })
  @Transform(trim)
  @Nullable()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'GB123456789',
    description: 'Printed on receipts',
  })
  @Transform(trim)
  @Nullable()
  @IsString()
  @MaxLength(64)
  tax_id?: string | null;
}

/**
 * PUT body: with name, country and contact_email it replaces the mutable fields (address and tax_id
 * omitted become empty); a body with only `settings` updates the settings alone.
 */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Greenway Charging Ltd' })
  @Transform(trim)
  @Present()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'GB' })
  @Present()
  @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({ example: 'ops@greenway.example.com' })
  @Transform(trim)
  @Present()
  @IsEmail({}, { message: 'contact_email must be a valid email address' })
  @MaxLength(320)
  contact_email?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @Transform(trim)
  @Nullable()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @Transform(trim)
  @Nullable()
  @IsString()
  @MaxLength(64)
  tax_id?: string | null;

  @ApiPropertyOptional({ type: UpdateSettingsDto })
  @Present()
  @IsObject({ message: 'settings must be an object' })
  @ValidateNested()
  @Type(() => UpdateSettingsDto)
  settings?: UpdateSettingsDto;
}
