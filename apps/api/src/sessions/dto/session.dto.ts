import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CostBreakdownView } from './session-cost.dto';
import { PageQueryDto } from '@csms/common';
import { SESSION_FLAGS, SESSION_STATUSES } from '@csms/domain';

export class SessionListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only sessions of this charge point' })
  @IsOptional()
  @IsString()
  @Length(1, 48)
  charge_point_id?: string;

  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: (typeof SESSION_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only sessions of this id tag value (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  id_tag?: string;

  @ApiPropertyOptional({ description: 'Only sessions of this driver (as recorded at their start)' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  driver_id?: string;

  @ApiPropertyOptional({
    example: '2026-01-01',
    description: "Started at or after; a date is read in the organization's timezone",
  })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-31', description: 'Started before; a date is inclusive' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class SessionStatsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-31', description: 'A date is inclusive' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ['day', 'charge_point'], default: 'day' })
  @IsOptional()
  @IsIn(['day', 'charge_point'])
  group_by?: 'day' | 'charge_point';
}

export class SessionStatsRow {
  @ApiPropertyOptional({ example: '2026-01-15', description: "Day in the organization's timezone" })
  day?: string;
  @ApiPropertyOptional() charge_point_id?: string;
  @ApiProperty() sessions: number;
  @ApiProperty() energy_kwh: number;
  @ApiProperty({ description: 'Priced sessions, major units' }) revenue: number;
}

export class SessionStatsTotals {
  @ApiProperty() sessions: number;
  @ApiProperty() energy_kwh: number;
  @ApiProperty() revenue: number;
}

export class SessionStatsView {
  @ApiProperty({ enum: ['day', 'charge_point'] }) group_by: string;
  @ApiProperty() timezone: string;
  @ApiProperty() currency: string;
  @ApiProperty({ type: [SessionStatsRow] }) data: SessionStatsRow[];
  @ApiProperty({ type: SessionStatsTotals }) totals: SessionStatsTotals;
}

export class SessionView {
  @ApiProperty({ example: 'sess_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() charge_point_id: string;
  @ApiProperty({ enum: ['1.6', '2.0.1'] }) ocpp_version: string;
  @ApiProperty({ description: 'OCPP transaction id (1.6: the integer the CSMS assigned, as text)' })
  transaction_id: string;
  @ApiProperty({ nullable: true, type: Number }) evse_id: number | null;
  @ApiProperty({ nullable: true, type: Number }) connector_id: number | null;
  @ApiProperty({ nullable: true, type: String }) id_tag: string | null;
  @ApiProperty({ nullable: true, type: String }) id_tag_ref: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The tag's driver when the session started" })
  driver_id: string | null;
  @ApiProperty({ nullable: true, type: Number }) remote_start_id: number | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, description: "Charger's clock" }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Charger's clock" }) stopped_at: string | null;
  @ApiProperty({ nullable: true, type: String }) start_received_at: string | null;
  @ApiProperty({ nullable: true, type: String }) stop_received_at: string | null;
  @ApiProperty({ nullable: true, type: Number }) meter_start_wh: number | null;
  @ApiProperty({ nullable: true, type: Number }) meter_stop_wh: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Latest energy register reading' })
  last_meter_wh: number | null;
  @ApiProperty({ nullable: true, type: Number }) energy_wh: number | null;
  @ApiProperty({ nullable: true, type: String }) stop_reason: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'idle_timeout',
    description: 'Why the CSMS asked for a stop',
  })
  stop_requested_reason: string | null;
  @ApiProperty({ enum: SESSION_FLAGS, isArray: true, description: 'Anomalies to review before billing' })
  flags: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'Total in major units, once priced' })
  cost: number | null;
  @ApiProperty({ nullable: true, type: String }) currency: string | null;
  @ApiProperty({ nullable: true, type: String }) priced_at: string | null;
  @ApiProperty({ description: 'Priced but flagged for a person to check' }) needs_review: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class SessionListView {
  @ApiProperty({ type: [SessionView] }) data: SessionView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class MeterValueView {
  @ApiProperty({ description: "Charger's timestamp of the sample" }) sampled_at: string;
  @ApiProperty({ example: 'Energy.Active.Import.Register' }) measurand: string;
  @ApiProperty({ nullable: true, type: String }) phase: string | null;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Sample.Periodic' }) context: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Wh for energy (kWh converted)' }) unit:
    string | null;
  @ApiProperty() value: number;
  @ApiProperty({ description: 'The value as the charger sent it' }) raw_value: string;
  @ApiProperty() received_at: string;
}

export class MeterValueListView {
  @ApiProperty({ type: [MeterValueView] }) data: MeterValueView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class SessionDetailView extends SessionView {
  @ApiProperty({ type: CostBreakdownView }) cost_breakdown: CostBreakdownView;
  @ApiProperty({ type: [MeterValueView], description: 'The first 500 readings; see /meter-values for all' })
  meter_values: MeterValueView[];
}
