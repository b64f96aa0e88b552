import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page } from '@csms/common';
import { COMMAND_ACTIONS, OCPP_ACTIONS } from '@csms/queues';
import { CommandsService } from './commands.service';
import { ACTION_DTOS } from './dto/command-actions.dto';
import { CommandListView, CommandView, ListCommandsQueryDto } from './dto/command.view';

const ACTION_LIST = COMMAND_ACTIONS.map(
  (a) =>
    `\`${a}\` (${Object.entries(OCPP_ACTIONS[a])
      .map(([v, m]) => `${v}: ${m}`)
      .join(', ')})`,
).join('; ');

@ApiTags('commands')
@Controller('api/v1')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post('charge-points/:id/actions/:action')
  @Authenticated({ permission: 'charge_points.command' })
  @ApiOperation({
    summary: 'Send a remote command to a charge point',
    description:
      `Validates the action's body, translates it to the charger's OCPP version and sends it through the ` +
      `gateway node holding the charger. Answers 200 with the charger's answer when it comes within a few ` +
      `seconds, else 202 with the command to poll at /api/v1/commands/{id}. Actions: ${ACTION_LIST}.`,
  })
  @ApiParam({ name: 'id', description: 'Charge point id (its OCPP identity)' })
  @ApiParam({ name: 'action', enum: COMMAND_ACTIONS })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key returns the same command instead of sending a second call',
  })
  @ApiExtraModels(...Object.values(ACTION_DTOS))
  @ApiBody({
    description: 'The body of the chosen action',
    schema: { oneOf: Object.values(ACTION_DTOS).map((dto) => ({ $ref: getSchemaPath(dto) })) },
  })
  @ApiOkResponse({ type: CommandView, description: 'The charger answered (or the command ended)' })
  @ApiAcceptedResponse({ type: CommandView, description: 'Still on its way; poll the command' })
  @ApiConflictResponse({ description: '`charge_point_offline` or `ocpp_version_unknown`' })
  @ApiUnprocessableEntityResponse({
    description: '`action_not_supported` by the charger OCPP version, or `idempotency_key_reused`',
  })
  async send(
    @Auth() auth: AuthContext,
    @Param('id') chargePointId: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandView> {
    const { view, final } = await this.commands.execute(auth, chargePointId, action, body, idempotencyKey);
    res.status(final ? 200 : 202);
    if (!final) res.setHeader('Location', `/api/v1/commands/${view.id}`);
    return view;
  }

  @Get('commands/:command_id')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Get a remote command with its state and the charger answer' })
  @ApiOkResponse({ type: CommandView })
  get(@Auth() auth: AuthContext, @Param('command_id') commandId: string): Promise<CommandView> {
    return this.commands.get(auth, commandId);
  }

  @Get('charge-points/:id/commands')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'List the remote commands of a charge point, newest first' })
  @ApiOkResponse({ type: CommandListView })
  list(
    @Auth() auth: AuthContext,
    @Param('id') chargePointId: string,
    @Query() query: ListCommandsQueryDto,
  ): Promise<Page<CommandView>> {
    return this.commands.listForChargePoint(auth, chargePointId, query);
  }
}
