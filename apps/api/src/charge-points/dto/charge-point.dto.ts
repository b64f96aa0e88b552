import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { CHARGE_POINT_ID_PATTERN, OCPP_VERSIONS, REGISTRATION_STATUSES } from '@csms/domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Optional, but not nullable: `null` is validated (and refused) like any other wrong value. */
const NotNull = () => ValidateIf((_: object, v: unknown) => v !== undefined);
const EXPECTED_VERSIONS = [...OCPP_VERSIONS, 'auto'] as const;

export class CreateChargePointDto {
  @ApiProperty({
    description: "The charger's OCPP identity (last segment of its websocket URL), unique across the system",
    example: 'cp_001',
    pattern: CHARGE_POINT_ID_PATTERN.source,
  })
  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN, {
    message: 'id must be 1-48 characters of the OCPP identity alphabet (A-Z a-z 0-9 * - _ = : + | @ .)',
  })
  id: string;

  @ApiPropertyOptional({ example: 'Car park level 1, bay 4', maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ enum: EXPECTED_VERSIONS, default: 'auto' })
  @NotNull()
  @IsIn(EXPECTED_VERSIONS)
  ocpp_version?: (typeof EXPECTED_VERSIONS)[number];

  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES, default: 'accepted' })
  @NotNull()
  @IsIn(REGISTRATION_STATUSES)
  registration_status?: (typeof REGISTRATION_STATUSES)[number];

  @ApiPropertyOptional({
    enum: [0, 1, 2],
    default: 1,
    description: '0: no password (only when set explicitly); 1: HTTP Basic; 2: Basic over TLS',
  })
  @NotNull()
  @IsIn([0, 1, 2])
  security_profile?: 0 | 1 | 2;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 500)
  location?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'proj_01HXYZ222EEE000000000000AB' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^proj_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'project_id must be a project id (proj_...)' })
  project_id?: string | null;

  @ApiPropertyOptional({
    description: 'Initial charger password (16-40 characters); or set one later with POST .../password',
    minLength: 16,
    maxLength: 40,
  })
  @IsOptional()
  @IsString()
  @Length(16, 40)
  password?: string;
}

/** Every field optional; `null` clears the nullable ones (name, location, project) and is refused elsewhere. */
export class UpdateChargePointDto {
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ enum: EXPECTED_VERSIONS })
  @NotNull()
  @IsIn(EXPECTED_VERSIONS)
  ocpp_version?: (typeof EXPECTED_VERSIONS)[number];

  @ApiPropertyOptional({
    enum: REGISTRATION_STATUSES,
    description: 'Accepting a Pending charger triggers its boot',
  })
  @NotNull()
  @IsIn(REGISTRATION_STATUSES)
  registration_status?: (typeof REGISTRATION_STATUSES)[number];

  @ApiPropertyOptional({ enum: [0, 1, 2] })
  @NotNull()
  @IsIn([0, 1, 2])
  security_profile?: 0 | 1 | 2;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 500)
  location?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^proj_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'project_id must be a project id (proj_...)' })
  project_id?: string | null;
}

export class ChargePointListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES })
  @IsOptional()
  @IsIn(REGISTRATION_STATUSES)
  registration_status?: (typeof REGISTRATION_STATUSES)[number];

  @ApiPropertyOptional({ enum: EXPECTED_VERSIONS })
  @IsOptional()
  @IsIn(EXPECTED_VERSIONS)
  ocpp_version?: (typeof EXPECTED_VERSIONS)[number];

  @ApiPropertyOptional({ description: 'Only charge points of this project' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  project_id?: string;

  @ApiPropertyOptional({ description: 'Search in id, name and location (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only connected (true) or offline (false) chargers',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  connected?: 'true' | 'false';
}

export class SetPasswordDto {
  @ApiPropertyOptional({
    description: 'The new password (16-40 characters). Omit it to have one generated (20 random bytes, hex).',
    minLength: 16,
    maxLength: 40,
  })
  @IsOptional()
  @IsString()
  @Length(16, 40)
  password?: string;
}

export class StatusHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only this EVSE (0: the charger as a whole)',
    minimum: 0,
    maximum: 1000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  evse_id?: number;
}

export class ChargePointView {
  @ApiProperty({ example: 'cp_001' }) id: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ enum: EXPECTED_VERSIONS }) ocpp_version: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) registration_status: string;
  @ApiProperty({ enum: [0, 1, 2] }) security_profile: number;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: String }) project_id: string | null;
  @ApiProperty({ description: 'Whether a charger password is set' }) password_set: boolean;
  @ApiProperty({ nullable: true, type: String }) vendor: string | null;
  @ApiProperty({ nullable: true, type: String }) model: string | null;
  @ApiProperty({ nullable: true, type: String }) serial_number: string | null;
  @ApiProperty({ nullable: true, type: String }) firmware_version: string | null;
  @ApiProperty({ description: 'Live: a gateway node holds its websocket' }) connected: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The gateway node holding the connection' })
  gateway_node: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Version of the current or last connection' })
  connected_ocpp_version: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Status of the charger as a whole' })
  status: string | null;
  @ApiProperty({ nullable: true, type: String }) last_seen_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_boot_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ChargePointListView {
  @ApiProperty({ type: [ChargePointView] }) data: ChargePointView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class PasswordView {
  @ApiProperty() charge_point_id: string;
  @ApiProperty({
    required: false,
    description: 'The generated password: returned only now, configure it on the charger',
  })
  password?: string;
  @ApiProperty({ description: 'Whether the password was generated' }) generated: boolean;
  @ApiProperty({
    description:
      'Whether the new password is being pushed to the connected charger; the old one keeps working until it reconnects with the new one',
  })
  push_requested: boolean;
  @ApiProperty() updated_at: string;
}

export class ConnectorStatusView {
  @ApiProperty() connector_id: number;
  @ApiProperty({ nullable: true, type: String }) status: string | null;
  @ApiProperty({ nullable: true, type: String }) error_code: string | null;
  @ApiProperty({ nullable: true, type: String }) info: string | null;
  @ApiProperty({ nullable: true, type: String }) vendor_error_code: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Charger's timestamp of the status" })
  status_at: string | null;
}

export class EvseStatusView {
  @ApiProperty() evse_id: number;
  @ApiProperty({ type: [ConnectorStatusView] }) connectors: ConnectorStatusView[];
}

export class ChargePointStatusView {
  @ApiProperty() charge_point_id: string;
  @ApiProperty() connected: boolean;
  @ApiProperty({ nullable: true, type: String }) gateway_node: string | null;
  @ApiProperty({ nullable: true, type: String }) connected_ocpp_version: string | null;
  @ApiProperty({ nullable: true, type: String }) last_seen_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_connected_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_disconnected_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Charger-level status (1.6 connector 0)' })
  status: string | null;
  @ApiProperty({ nullable: true, type: String }) error_code: string | null;
  @ApiProperty({ nullable: true, type: String }) status_at: string | null;
  @ApiProperty({ type: [EvseStatusView] }) evses: EvseStatusView[];
}

export class StatusHistoryEntryView {
  @ApiProperty({ nullable: true, type: Number, description: 'null: the charger as a whole' })
  evse_id: number | null;
  @ApiProperty({ nullable: true, type: Number }) connector_id: number | null;
  @ApiProperty() status: string;
  @ApiProperty({ nullable: true, type: String }) error_code: string | null;
  @ApiProperty({ nullable: true, type: String }) info: string | null;
  @ApiProperty({ nullable: true, type: String }) vendor_error_code: string | null;
  @ApiProperty({ description: "Charger's timestamp" }) timestamp: string;
  @ApiProperty() received_at: string;
}

export class StatusHistoryListView {
  @ApiProperty({ type: [StatusHistoryEntryView] }) data: StatusHistoryEntryView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class OcppMessageView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['in', 'out'] }) direction: string;
  @ApiProperty({ nullable: true, type: Number, description: '2 CALL, 3 CALLRESULT, 4 CALLERROR' })
  message_type: number | null;
  @ApiProperty({ nullable: true, type: String }) message_id: string | null;
  @ApiProperty({ nullable: true, type: String }) action: string | null;
  @ApiProperty({ description: 'The OCPP-J frame (parsed JSON, or the raw text if it was not JSON)' })
  frame: unknown;
  @ApiProperty({ nullable: true, type: String }) gateway_node: string | null;
  @ApiProperty() created_at: string;
}

export class OcppMessageListView {
  @ApiProperty({ type: [OcppMessageView] }) data: OcppMessageView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ChargerEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only reports of this OCPP action',
    example: 'FirmwareStatusNotification',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{1,48}$/, { message: 'kind must be an OCPP action name' })
  kind?: string;
}

export class ChargerEventView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The OCPP action, e.g. SecurityEventNotification' }) kind: string;
  @ApiProperty({ description: 'The payload as the charger sent it', type: Object }) payload: Record<
    string,
    unknown
  >;
  @ApiProperty({ nullable: true, type: String }) charger_timestamp: string | null;
  @ApiProperty() received_at: string;
}

export class ChargerEventListView {
  @ApiProperty({ type: [ChargerEventView] }) data: ChargerEventView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
