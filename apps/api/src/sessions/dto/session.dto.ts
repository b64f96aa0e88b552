import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
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
  @ApiProperty({ enum: SESSION_FLAGS, isArray: true, description: 'Anomalies to review before billing' })
  flags: string[];
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
