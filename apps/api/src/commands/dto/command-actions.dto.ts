import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import {
  AUTHORIZATION_STATUSES,
  CHARGING_PROFILE_PURPOSES,
  ChargingProfilePurpose,
  CommandAction,
  ID_TOKEN_TYPES,
  IdTokenType,
  TRIGGERABLE_MESSAGES,
} from '@csms/queues';

const INT32 = 2_147_483_647;
const ISO = { strict: true, strictSeparator: true };
const URL_OPTIONS = {
  require_protocol: true,
  require_tld: false,
  protocols: ['http', 'https', 'ftp', 'ftps', 'sftp'],
};

function IsStringOrInteger(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringOrInteger',
      validator: {
        validate: (v: unknown) =>
          (typeof v === 'string' && v.length >= 1 && v.length <= 36) || Number.isInteger(v),
        defaultMessage: () => '$property must be an integer or a string of 1 to 36 characters',
      },
    },
    options,
  );
}

const Int = (min = 0, max = INT32) => [IsInt(), Min(min), Max(max)];
function OptionalInt(min = 0, max = INT32): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    for (const d of Int(min, max)) d(target, key);
  };
}

/** Options every action accepts. */
export class CommandOptionsDto {
  @ApiPropertyOptional({
    description:
      'When the charge point is offline, keep the command and deliver it when it reconnects (instead of 409 `charge_point_offline`). Requires `expires_at`.',
  })
  @IsOptional()
  @IsBoolean()
  queue_until_reconnect?: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'With `queue_until_reconnect`: when the queued command gives up (`timed_out`)',
  })
  @ValidateIf((o: CommandOptionsDto) => o.queue_until_reconnect === true || o.expires_at !== undefined)
  @IsDefined({ message: 'expires_at is required with queue_until_reconnect' })
  @IsISO8601(ISO)
  expires_at?: string;
}

class TargetDto extends CommandOptionsDto {
  @ApiPropertyOptional({
    description:
      'EVSE (OCPP 2.0.1). On an OCPP 1.6 charge point it is the connector, as a 1.6 connector is an EVSE. 0 = the whole charge point where OCPP allows it.',
    minimum: 0,
  })
  @OptionalInt()
  evse_id?: number;

  @ApiPropertyOptional({ description: 'Connector (1.6), or connector within `evse_id` (2.0.1)', minimum: 0 })
  @OptionalInt()
  connector_id?: number;
}

export class SchedulePeriodDto {
  @ApiProperty({ description: 'Seconds from the start of the schedule', minimum: 0 })
  @IsInt()
  @Min(0)
  start_period: number;

  @ApiProperty({ description: 'Limit in the schedule rate unit (A or W); 1.6 allows one decimal' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  limit: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3)
  number_phases?: number;
}

export class ChargingScheduleDto {
  @ApiProperty({ enum: ['A', 'W'] })
  @IsIn(['A', 'W'])
  rate_unit: 'A' | 'W';

  @ApiProperty({ type: [SchedulePeriodDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1024)
  @ValidateNested({ each: true })
  @Type(() => SchedulePeriodDto)
  periods: SchedulePeriodDto[];

  @ApiPropertyOptional({ description: 'Seconds' })
  @OptionalInt()
  duration?: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  start_schedule?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  min_charging_rate?: number;
}

export class ChargingProfileDto {
  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(INT32)
  id: number;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(INT32)
  stack_level: number;

  @ApiProperty({
    enum: CHARGING_PROFILE_PURPOSES,
    description: '`external_constraints` exists only in OCPP 2.0.1',
  })
  @IsIn(CHARGING_PROFILE_PURPOSES)
  purpose: ChargingProfilePurpose;

  @ApiProperty({ enum: ['absolute', 'recurring', 'relative'] })
  @IsIn(['absolute', 'recurring', 'relative'])
  kind: 'absolute' | 'recurring' | 'relative';

  @ApiPropertyOptional({ enum: ['daily', 'weekly'] })
  @IsOptional()
  @IsIn(['daily', 'weekly'])
  recurrency_kind?: 'daily' | 'weekly';

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  valid_from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  valid_to?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    description: 'For a `tx` profile: the charger transaction id',
  })
  @IsOptional()
  @IsStringOrInteger()
  transaction_id?: string | number;

  @ApiProperty({ type: ChargingScheduleDto })
  @ValidateNested()
  @Type(() => ChargingScheduleDto)
  @IsDefined()
  schedule: ChargingScheduleDto;
}

export class RemoteStartDto extends TargetDto {
  @ApiProperty({ description: 'Id tag / token to start with (1.6: at most 20 characters)', maxLength: 36 })
  @IsString()
  @Length(1, 36)
  id_tag: string;

  @ApiPropertyOptional({ enum: ID_TOKEN_TYPES, description: 'OCPP 2.0.1 IdToken type (default Central)' })
  @IsOptional()
  @IsIn(ID_TOKEN_TYPES)
  id_token_type?: IdTokenType;

  @ApiPropertyOptional({
    description: 'OCPP 2.0.1 remoteStartId linking the session it starts; generated when omitted',
    minimum: 1,
  })
  @OptionalInt(1)
  remote_start_id?: number;

  @ApiPropertyOptional({ type: ChargingProfileDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChargingProfileDto)
  charging_profile?: ChargingProfileDto;
}

export class RemoteStopDto extends CommandOptionsDto {
  @ApiPropertyOptional({ description: 'Our session id (`sess_...`)', example: 'sess_01HX...' })
  @IsOptional()
  @IsString()
  @Matches(/^sess_[0-9A-Za-z]{1,40}$/, { message: 'session_id must be a session id (sess_...)' })
  session_id?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    description: "The charger's transaction id, when the session id is not known",
  })
  // Checked whenever it is sent, even beside a session id; required only without one.
  @ValidateIf((o: RemoteStopDto) => o.session_id === undefined || o.transaction_id !== undefined)
  @IsDefined({ message: 'session_id or transaction_id is required' })
  @IsStringOrInteger()
  transaction_id?: string | number;
}

export class ResetDto extends CommandOptionsDto {
  @ApiProperty({ enum: ['soft', 'hard'], description: '2.0.1: soft = OnIdle, hard = Immediate' })
  @IsIn(['soft', 'hard'])
  type: 'soft' | 'hard';

  @ApiPropertyOptional({ description: 'OCPP 2.0.1 only: reset one EVSE' })
  @OptionalInt()
  evse_id?: number;
}

export class UnlockDto extends TargetDto {}

export class ChangeAvailabilityDto extends TargetDto {
  @ApiProperty({ enum: ['operative', 'inoperative'] })
  @IsIn(['operative', 'inoperative'])
  availability: 'operative' | 'inoperative';
}

export class TriggerMessageDto extends TargetDto {
  @ApiProperty({
    enum: TRIGGERABLE_MESSAGES,
    description: 'OCPP message name; the charger version decides which exist',
  })
  @IsIn(TRIGGERABLE_MESSAGES)
  requested_message: string;
}

export class GetConfigurationDto extends CommandOptionsDto {
  @ApiPropertyOptional({ type: [String], description: 'Keys to read; all when omitted' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  keys?: string[];
}

export class ChangeConfigurationDto extends CommandOptionsDto {
  @ApiProperty({ maxLength: 50, example: 'HeartbeatInterval' })
  @IsString()
  @Length(1, 50)
  key: string;

  @ApiProperty({ maxLength: 500, example: '300' })
  @IsString()
  @MaxLength(500)
  value: string;
}

export class VariableDto {
  @ApiProperty({ maxLength: 50, example: 'OCPPCommCtrlr' })
  @IsString()
  @Length(1, 50)
  component: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  component_instance?: string;

  @ApiPropertyOptional()
  @OptionalInt()
  evse_id?: number;

  @ApiPropertyOptional()
  @OptionalInt()
  connector_id?: number;

  @ApiProperty({ maxLength: 50, example: 'HeartbeatInterval' })
  @IsString()
  @Length(1, 50)
  variable: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  variable_instance?: string;

  @ApiPropertyOptional({ enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] })
  @IsOptional()
  @IsIn(['Actual', 'Target', 'MinSet', 'MaxSet'])
  attribute_type?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
}

export class SetVariableDto extends VariableDto {
  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @MaxLength(1000)
  value: string;
}

export class GetVariablesDto extends CommandOptionsDto {
  @ApiProperty({ type: [VariableDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => VariableDto)
  variables: VariableDto[];
}

export class SetVariablesDto extends CommandOptionsDto {
  @ApiProperty({ type: [SetVariableDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SetVariableDto)
  variables: SetVariableDto[];
}

export class DataTransferDto extends CommandOptionsDto {
  @ApiProperty({ maxLength: 255 })
  @IsString()
  @Length(1, 255)
  vendor_id: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  message_id?: string;

  @ApiPropertyOptional({
    description: 'Any JSON; sent as a JSON string to OCPP 1.6 charge points unless already a string',
  })
  @Allow()
  data?: unknown;
}

export class SetChargingProfileDto extends TargetDto {
  @ApiProperty({ type: ChargingProfileDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ChargingProfileDto)
  charging_profile: ChargingProfileDto;
}

export class ClearChargingProfileDto extends TargetDto {
  @ApiPropertyOptional({ description: 'Profile id' })
  @OptionalInt()
  id?: number;

  @ApiPropertyOptional({ enum: CHARGING_PROFILE_PURPOSES })
  @IsOptional()
  @IsIn(CHARGING_PROFILE_PURPOSES)
  purpose?: ChargingProfilePurpose;

  @ApiPropertyOptional()
  @OptionalInt()
  stack_level?: number;
}

export class GetCompositeScheduleDto extends TargetDto {
  @ApiProperty({ description: 'Seconds', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(INT32)
  duration: number;

  @ApiPropertyOptional({ enum: ['A', 'W'] })
  @IsOptional()
  @IsIn(['A', 'W'])
  rate_unit?: 'A' | 'W';
}

export class UpdateFirmwareDto extends CommandOptionsDto {
  @ApiProperty({ example: 'https://firmware.example.com/cp-1.2.3.bin', maxLength: 512 })
  @IsString()
  @IsUrl(URL_OPTIONS)
  @MaxLength(512)
  location: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  retrieve_at: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'OCPP 2.0.1 only' })
  @IsOptional()
  @IsISO8601(ISO)
  install_at?: string;

  @ApiPropertyOptional()
  @OptionalInt()
  retries?: number;

  @ApiPropertyOptional({ description: 'Seconds' })
  @OptionalInt()
  retry_interval?: number;

  @ApiPropertyOptional({ description: 'OCPP 2.0.1 requestId; generated when omitted' })
  @OptionalInt()
  request_id?: number;

  @ApiPropertyOptional({ maxLength: 5500, description: 'OCPP 2.0.1 only' })
  @IsOptional()
  @IsString()
  @MaxLength(5500)
  signing_certificate?: string;

  @ApiPropertyOptional({ maxLength: 800, description: 'OCPP 2.0.1 only' })
  @IsOptional()
  @IsString()
  @MaxLength(800)
  signature?: string;
}

export class GetDiagnosticsDto extends CommandOptionsDto {
  @ApiProperty({
    description: 'Where the charger uploads the diagnostics',
    example: 'ftp://logs.example.com/',
  })
  @IsString()
  @IsUrl(URL_OPTIONS)
  location: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  start_time?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  stop_time?: string;

  @ApiPropertyOptional()
  @OptionalInt()
  retries?: number;

  @ApiPropertyOptional()
  @OptionalInt()
  retry_interval?: number;
}

export class GetLogDto extends CommandOptionsDto {
  @ApiProperty({
    description: 'Where the charger uploads the log',
    example: 'ftp://logs.example.com/',
    maxLength: 512,
  })
  @IsString()
  @IsUrl(URL_OPTIONS)
  @MaxLength(512)
  location: string;

  @ApiPropertyOptional({ enum: ['diagnostics', 'security'], default: 'diagnostics' })
  @IsOptional()
  @IsIn(['diagnostics', 'security'])
  log_type?: 'diagnostics' | 'security';

  @ApiPropertyOptional({ description: 'OCPP requestId; generated when omitted' })
  @OptionalInt()
  request_id?: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  oldest_at?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  latest_at?: string;

  @ApiPropertyOptional()
  @OptionalInt()
  retries?: number;

  @ApiPropertyOptional()
  @OptionalInt()
  retry_interval?: number;
}

export class ClearCacheDto extends CommandOptionsDto {}
export class GetLocalListVersionDto extends CommandOptionsDto {}

export class LocalListEntryDto {
  @ApiProperty({ maxLength: 36, description: '1.6: at most 20 characters' })
  @IsString()
  @Length(1, 36)
  id_tag: string;

  @ApiPropertyOptional({ enum: ID_TOKEN_TYPES, description: 'OCPP 2.0.1 IdToken type (default Central)' })
  @IsOptional()
  @IsIn(ID_TOKEN_TYPES)
  id_token_type?: IdTokenType;

  @ApiPropertyOptional({
    enum: AUTHORIZATION_STATUSES,
    description: 'Omit in a differential update to remove the entry',
  })
  @IsOptional()
  @IsIn(AUTHORIZATION_STATUSES)
  status?: (typeof AUTHORIZATION_STATUSES)[number];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  expires_at?: string;

  @ApiPropertyOptional({ maxLength: 36 })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  parent_id_tag?: string;
}

export class SendLocalListDto extends CommandOptionsDto {
  @ApiProperty({ minimum: 0, description: 'The list version after this update' })
  @IsInt()
  @Min(0)
  @Max(INT32)
  version: number;

  @ApiProperty({ enum: ['full', 'differential'] })
  @IsIn(['full', 'differential'])
  update_type: 'full' | 'differential';

  @ApiPropertyOptional({ type: [LocalListEntryDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => LocalListEntryDto)
  entries?: LocalListEntryDto[];
}

export class GetBaseReportDto extends CommandOptionsDto {
  @ApiProperty({ enum: ['configuration_inventory', 'full_inventory', 'summary_inventory'] })
  @IsIn(['configuration_inventory', 'full_inventory', 'summary_inventory'])
  report_base: 'configuration_inventory' | 'full_inventory' | 'summary_inventory';

  @ApiPropertyOptional({ description: 'OCPP requestId; generated when omitted' })
  @OptionalInt()
  request_id?: number;
}

export class GetTransactionStatusDto extends CommandOptionsDto {
  @ApiPropertyOptional({ description: 'Our session id (`sess_...`)' })
  @IsOptional()
  @IsString()
  @Matches(/^sess_[0-9A-Za-z]{1,40}$/, { message: 'session_id must be a session id (sess_...)' })
  session_id?: string;

  @ApiPropertyOptional({
    type: String,
    description: "The charger's transaction id; omit to ask about queued messages in general",
  })
  @IsOptional()
  @IsStringOrInteger()
  transaction_id?: string | number;
}

/** The request body class of each action. */
export const ACTION_DTOS: Record<CommandAction, new () => CommandOptionsDto> = {
  'remote-start': RemoteStartDto,
  'remote-stop': RemoteStopDto,
  reset: ResetDto,
  unlock: UnlockDto,
  'change-availability': ChangeAvailabilityDto,
  'trigger-message': TriggerMessageDto,
  'get-configuration': GetConfigurationDto,
  'change-configuration': ChangeConfigurationDto,
  'get-variables': GetVariablesDto,
  'set-variables': SetVariablesDto,
  'data-transfer': DataTransferDto,
  'set-charging-profile': SetChargingProfileDto,
  'clear-charging-profile': ClearChargingProfileDto,
  'get-composite-schedule': GetCompositeScheduleDto,
  'update-firmware': UpdateFirmwareDto,
  'get-diagnostics': GetDiagnosticsDto,
  'get-log': GetLogDto,
  'clear-cache': ClearCacheDto,
  'send-local-list': SendLocalListDto,
  'get-local-list-version': GetLocalListVersionDto,
  'get-base-report': GetBaseReportDto,
  'get-transaction-status': GetTransactionStatusDto,
};
