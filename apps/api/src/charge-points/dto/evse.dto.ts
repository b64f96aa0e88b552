import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** OCPP 2.0.1 ConnectorEnumType values. */
export const CONNECTOR_TYPES = [
  'cCCS1',
  'cCCS2',
  'cG105',
  'cTesla',
  'cType1',
  'cType2',
  's309-1P-16A',
  's309-1P-32A',
  's309-3P-16A',
  's309-3P-32A',
  'sBS1361',
  'sCEE-7-7',
  'sType2',
  'sType3',
  'Other1PhMax16A',
  'Other1PhOver16A',
  'Other3Ph',
  'Pan',
  'wInductive',
  'wResonant',
  'Undetermined',
  'Unknown',
] as const;

export class CreateConnectorDto {
  @ApiProperty({ minimum: 1, example: 1, description: 'OCPP connector id within the EVSE' })
  @IsInt()
  @Min(1)
  @Max(100)
  connector_id: number;

  @ApiPropertyOptional({ enum: CONNECTOR_TYPES, nullable: true, type: String })
  @IsOptional()
  @IsIn(CONNECTOR_TYPES)
  connector_type?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 22, description: 'Maximum power in kW' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10_000)
  max_power_kw?: number | null;
}

export class UpdateConnectorDto extends PartialType(OmitType(CreateConnectorDto, ['connector_id'])) {}

export class CreateEvseDto {
  @ApiProperty({ minimum: 1, example: 1, description: 'OCPP EVSE id (1.6: the connectorId)' })
  @IsInt()
  @Min(1)
  @Max(1000)
  evse_id: number;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 22 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10_000)
  max_power_kw?: number | null;

  @ApiPropertyOptional({ type: [CreateConnectorDto] })
  @ValidateIf((_, v) => v !== undefined)
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CreateConnectorDto)
  connectors?: CreateConnectorDto[];
}

export class UpdateEvseDto {
  @ApiPropertyOptional({ nullable: true, type: Number, example: 22 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10_000)
  max_power_kw?: number | null;
}

export class ConnectorView {
  @ApiProperty({ example: 'conn_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() connector_id: number;
  @ApiProperty({ nullable: true, type: String }) connector_type: string | null;
  @ApiProperty({ nullable: true, type: Number }) max_power_kw: number | null;
  @ApiProperty({ enum: ['operator', 'status_notification'] }) source: string;
  @ApiProperty({ nullable: true, type: String }) status: string | null;
  @ApiProperty({ nullable: true, type: String }) error_code: string | null;
  @ApiProperty({ nullable: true, type: String }) status_at: string | null;
}

export class EvseView {
  @ApiProperty({ example: 'evse_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() evse_id: number;
  @ApiProperty({ nullable: true, type: Number }) max_power_kw: number | null;
  @ApiProperty({ enum: ['operator', 'status_notification'] }) source: string;
  @ApiProperty({ type: [ConnectorView] }) connectors: ConnectorView[];
}

export class EvseListView {
  @ApiProperty({ type: [EvseView] }) data: EvseView[];
  @ApiProperty() total: number;
}

export class ConnectorListView {
  @ApiProperty({ type: [ConnectorView] }) data: ConnectorView[];
  @ApiProperty() total: number;
}
