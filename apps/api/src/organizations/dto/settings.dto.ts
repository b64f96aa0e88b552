import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsInt,
  IsObject,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode, IsTimeZone } from '@csms/common';

/** Optional, but when present it must be valid: `null` is not a way to skip validation. */
export const Present = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class NotificationPreferencesDto {
  @ApiPropertyOptional({ example: true })
  @Present()
  @IsBoolean()
  alert_emails?: boolean;

  @ApiPropertyOptional({ example: false })
  @Present()
  @IsBoolean()
  weekly_report?: boolean;
}

export class UpdateSettingsDto {
  @ApiPropertyOptional({ example: 'GBP', description: 'ISO 4217; owner only' })
  @Present()
  @IsCurrencyCode()
  default_currency?: string;

  @ApiPropertyOptional({ example: 'Europe/London', description: 'IANA time zone' })
  @Present()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    example: 'billing@greenway.example.com',
    nullable: true,
    type: String,
    description: 'Owner only; null clears it',
  })
  @Transform(trim)
  @ValidateIf((_o: unknown, value: unknown) => value !== undefined && value !== null)
  @IsEmail({}, { message: 'billing_email must be a valid email address' })
  @MaxLength(320)
  billing_email?: string | null;

  @ApiPropertyOptional({ type: NotificationPreferencesDto })
  @Present()
  @IsObject({ message: 'notification_preferences must be an object' })
  @ValidateNested()
  @Type(() => NotificationPreferencesDto)
  notification_preferences?: NotificationPreferencesDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 10080, example: 0, description: '0 disables' })
  @Present()
  @IsInt({ message: 'session_idle_timeout_minutes must be an integer' })
  @Min(0)
  @Max(10080)
  session_idle_timeout_minutes?: number;
}

export class NotificationPreferencesView {
  @ApiProperty() alert_emails: boolean;
  @ApiProperty() weekly_report: boolean;
}

export class SettingsView {
  @ApiProperty({ example: 'org_01HX7A3B2C4D5E6F7G8H9J0K1M' }) org_id: string;
  @ApiProperty({ example: 'GBP' }) default_currency: string;
  @ApiProperty({ example: 'Europe/London' }) timezone: string;
  @ApiProperty({ nullable: true, type: String }) billing_email: string | null;
  @ApiProperty({ type: NotificationPreferencesView }) notification_preferences: NotificationPreferencesView;
  @ApiProperty({ example: 0 }) session_idle_timeout_minutes: number;
}
