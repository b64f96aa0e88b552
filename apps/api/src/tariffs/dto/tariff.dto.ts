import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
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

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const Price = () => IsNumber({ maxDecimalPlaces: 6, allowNaN: false, allowInfinity: false });
const NotNull = () => ValidateIf((_: object, v: unknown) => v !== undefined);

export class TariffWindowDto {
  @ApiPropertyOptional({ example: 'Night', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [1, 2, 3, 4, 5],
    description: 'ISO weekdays (1 = Monday … 7 = Sunday) on which the window starts; every day when absent',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days?: number[];

  @ApiProperty({ example: '22:00', description: "Local time in the organization's timezone" })
  @IsString()
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start: string;

  @ApiProperty({ example: '06:00', description: 'Before `start` means the window crosses midnight' })
  @IsString()
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end: string;

  @ApiPropertyOptional({ example: 0.2, description: 'Replaces the base price per kWh inside the window' })
  @IsOptional()
  @Price()
  @Min(0)
  @Max(1_000_000)
  price_per_kwh?: number;

  @ApiPropertyOptional({ example: 0, description: 'Replaces the base price per hour inside the window' })
  @IsOptional()
  @Price()
  @Min(0)
  @Max(1_000_000)
  price_per_hour?: number;
}

/** A whole tariff (create, and replace with PUT). Prices in major units of the organization's currency, net of tax. */
export class TariffDto {
  @ApiProperty({ example: 'Standard AC', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ default: false, description: 'The tariff of charge points without their own' })
  @NotNull()
  @IsBoolean()
  is_default?: boolean;

  @ApiPropertyOptional({ example: 0.35, default: 0 })
  @NotNull()
  @Price()
  @Min(0)
  @Max(1_000_000)
  price_per_kwh?: number;

  @ApiPropertyOptional({ example: 0, default: 0, description: 'Per hour of charging time' })
  @NotNull()
  @Price()
  @Min(0)
  @Max(1_000_000)
  price_per_hour?: number;

  @ApiPropertyOptional({ example: 0.5, default: 0, description: 'Flat fee per session' })
  @NotNull()
  @Price()
  @Min(0)
  @Max(1_000_000)
  session_fee?: number;

  @ApiPropertyOptional({ example: 0.1, default: 0, description: 'Per minute idle after the grace period' })
  @NotNull()
  @Price()
  @Min(0)
  @Max(1_000_000)
  idle_fee_per_minute?: number;

  @ApiPropertyOptional({ example: 15, default: 0 })
  @NotNull()
  @IsInt()
  @Min(0)
  @Max(1440)
  idle_grace_minutes?: number;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 1 })
  @IsOptional()
  @Price()
  @Min(0)
  @Max(1_000_000)
  min_price?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 50 })
  @IsOptional()
  @Price()
  @Min(0)
  @Max(1_000_000)
  max_price?: number | null;

  @ApiPropertyOptional({ example: 20, default: 0, description: 'Percent added on the net total' })
  @NotNull()
  @Price()
  @Min(0)
  @Max(100)
  tax_rate_percent?: number;

  @ApiPropertyOptional({ type: [TariffWindowDto] })
  @NotNull()
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => TariffWindowDto)
  windows?: TariffWindowDto[];
}

export class AssignTariffDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: "A tariff id, or null for the organization's default",
  })
  @ValidateIf((_: object, v: unknown) => v !== null)
  @IsString()
  @Length(1, 40)
  tariff_id: string | null;
}

export class TariffWindowView {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: [Number] }) days?: number[];
  @ApiProperty() start: string;
  @ApiProperty() end: string;
  @ApiPropertyOptional() price_per_kwh?: number;
  @ApiPropertyOptional() price_per_hour?: number;
}

export class TariffView {
  @ApiProperty({ example: 'trf_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty() is_default: boolean;
  @ApiProperty() price_per_kwh: number;
  @ApiProperty() price_per_hour: number;
  @ApiProperty() session_fee: number;
  @ApiProperty() idle_fee_per_minute: number;
  @ApiProperty() idle_grace_minutes: number;
  @ApiProperty({ nullable: true, type: Number }) min_price: number | null;
  @ApiProperty({ nullable: true, type: Number }) max_price: number | null;
  @ApiProperty() tax_rate_percent: number;
  @ApiProperty({ type: [TariffWindowView] }) windows: TariffWindowView[];
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class TariffListView {
  @ApiProperty({ type: [TariffView] }) data: TariffView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class TariffAssignmentView {
  @ApiProperty() charge_point_id: string;
  @ApiProperty({ nullable: true, type: String }) tariff_id: string | null;
}

export class ProjectTariffAssignmentView {
  @ApiProperty() project_id: string;
  @ApiProperty({ nullable: true, type: String }) tariff_id: string | null;
}
