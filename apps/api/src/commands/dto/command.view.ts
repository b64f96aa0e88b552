import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { COMMAND_STATES, Command, CommandState } from '@csms/domain';

export class CommandErrorView {
  @ApiProperty({
    example: 'charger_timeout',
    description:
      'charge_point_offline, expired, charger_timeout, connection_lost, no_answer_recorded, invalid_payload, ocpp_version_changed, or the OCPP CALLERROR code (NotImplemented, ...)',
  })
  code: string;
  @ApiProperty() reason: string;
}

export class CommandView {
  @ApiProperty({ example: 'cmd_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty({ example: 'cp_001' }) charge_point_id: string;
  @ApiProperty({ example: 'reset', description: 'Our action, or `ocpp` for a call the platform made itself' })
  action: string;
  @ApiProperty({ example: 'Reset' }) ocpp_action: string;
  @ApiProperty({ enum: ['1.6', '2.0.1'] }) ocpp_version: string;
  @ApiProperty({
    enum: COMMAND_STATES,
    description:
      'queued → sent → answered (CALLRESULT) / rejected (CALLRESULT with status Rejected or NotSupported) / timed_out / failed',
  })
  state: CommandState;
  @ApiPropertyOptional({ type: Object, nullable: true, description: 'The request as sent to this API' })
  request: Record<string, unknown> | null;
  @ApiProperty({ type: Object, description: 'The OCPP payload of the CALL' }) payload: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({ type: Object, nullable: true, description: "The charger's CALLRESULT" })
  response: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: CommandErrorView, nullable: true }) error: CommandErrorView | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Gateway node whose queue holds the command',
  })
  gateway_node: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'OCPP 2.0.1 remote start id' })
  remote_start_id: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) idempotency_key: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When a command queued for reconnect gives up',
  })
  expires_at: string | null;
  @ApiProperty() created_at: string;
  @ApiPropertyOptional({ type: String, nullable: true }) sent_at: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) answered_at: string | null;
}

export class CommandListView {
  @ApiProperty({ type: [CommandView] }) data: CommandView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ListCommandsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMMAND_STATES })
  @IsOptional()
  @IsIn(COMMAND_STATES)
  state?: CommandState;
}

const REDACTED = '[REDACTED]';

/** Charger passwords travel in commands (1.6 AuthorizationKey, 2.0.1 BasicAuthPassword); they never leave through the API. */
function redactSecrets(ocppAction: string, payload: Record<string, any>): Record<string, any> {
  if (ocppAction === 'ChangeConfiguration' && payload.key === 'AuthorizationKey') {
    return { ...payload, value: REDACTED };
  }
  if (ocppAction === 'SetVariables' && Array.isArray(payload.setVariableData)) {
    return {
      ...payload,
      setVariableData: payload.setVariableData.map((d: any) =>
        d?.variable?.name === 'BasicAuthPassword' ? { ...d, attributeValue: REDACTED } : d,
      ),
    };
  }
  return payload;
}

function redactRequest(request: Record<string, any> | null): Record<string, any> | null {
  if (!request) return request;
  if (request.key === 'AuthorizationKey' && 'value' in request) return { ...request, value: REDACTED };
  if (Array.isArray(request.variables)) {
    return {
      ...request,
      variables: request.variables.map((v: any) =>
        v?.variable === 'BasicAuthPassword' && 'value' in v ? { ...v, value: REDACTED } : v,
      ),
    };
  }
  return request;
}

export function toCommandView(c: Command): CommandView {
  return {
    id: c.id,
    charge_point_id: c.chargePointId,
    action: c.action,
    ocpp_action: c.ocppAction,
    ocpp_version: c.ocppVersion,
    state: c.state,
    request: redactRequest(c.request),
    payload: redactSecrets(c.ocppAction, c.payload),
    response: c.response,
    error: c.errorCode ? { code: c.errorCode, reason: c.errorReason ?? '' } : null,
    gateway_node: c.nodeId,
    remote_start_id: c.remoteStartId,
    idempotency_key: c.idempotencyKey,
    expires_at: c.expiresAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    sent_at: c.sentAt?.toISOString() ?? null,
    answered_at: c.answeredAt?.toISOString() ?? null,
  };
}
