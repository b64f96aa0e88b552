import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDateString, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class PortalSessionsQueryDto {
  @ApiPropertyOptional({
    example: '2024-01-01',
    description: "Start of range (ISO 8601); a date is read in the operator's timezone",
  })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2024-01-31', description: 'End of range (ISO 8601); a date is inclusive' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class PortalSessionView {
  @ApiProperty({ example: 'sess_01HXE7F6G5H4I3J2' }) session_id: string;
  @ApiProperty({ example: 'cp_001' }) charge_point_id: string;
  @ApiProperty({ nullable: true, type: String, example: '2024-01-15T08:30:00Z' }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-01-15T09:45:00Z' }) ended_at: string | null;
  @ApiProperty({ example: 22.4 }) energy_kwh: number;
  @ApiProperty({ nullable: true, type: Number, example: 7.84 }) cost: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'GBP' }) currency: string | null;
}

export class PortalSessionListView {
  @ApiProperty({ type: [PortalSessionView] }) data: PortalSessionView[];
  @ApiProperty() total: number;
}

export class CreateDisputeDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 2000,
    example: 'Session ended prematurely but full session duration was charged.',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(10, 2000)
  reason: string;

  @ApiPropertyOptional({
    example: 3.5,
    description: 'What the driver believes the cost should be (major units)',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  expected_cost?: number;
}

export class DisputeCreatedView {
  @ApiProperty({ example: 'disp_01HXF8G7H6I5J4K3' }) dispute_id: string;
  @ApiProperty() session_id: string;
  @ApiProperty({ example: 'open' }) status: string;
  @ApiProperty() created_at: string;
}
