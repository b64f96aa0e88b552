import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page } from '@csms/common';
import { CreateReservationDto } from './dto/create-reservation.dto';
import {
  ListReservationsQueryDto,
  ReservationCancelQueuedView,
  ReservationListView,
  ReservationView,
} from './dto/reservation.view';
import { ReservationsService } from './reservations.service';

@ApiTags('reservations')
@Controller('api/v1/reservations')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Post()
  @Authenticated({ permission: 'reservations.write', allowDrivers: true })
  @ApiOperation({
    summary: 'Reserve a connector for an id tag until the expiry date',
    description:
      'Records the reservation and sends ReserveNow to the charge point. 201 when the charger accepts; ' +
      '409 with the charger answer as the code (`occupied`, `faulted`, `unavailable`, `rejected`; the ' +
      'reservation is kept as `rejected`), `charge_point_offline`, or `connector_reserved`; 202 with the ' +
      'reservation `pending` when the charger is slow to answer (it becomes active or rejected later).',
  })
  @ApiCreatedResponse({ type: ReservationView, description: 'The charger accepted: `active`' })
  @ApiAcceptedResponse({ type: ReservationView, description: 'Waiting for the charger: `pending`' })
  @ApiConflictResponse({
    description:
      '`occupied` / `faulted` / `unavailable` / `rejected` (charger answer), `charge_point_offline`, `connector_reserved`, `ocpp_version_unknown`',
  })
  @ApiUnprocessableEntityResponse({
    description:
      '`id_tag_too_long` (20 for OCPP 1.6, 36 for 2.0.1), `id_tag_not_registered`, `id_tag_not_usable`',
  })
  async create(
    @Auth() auth: AuthContext,
    @Body() dto: CreateReservationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReservationView> {
    const { view, settled } = await this.reservations.create(auth, dto);
    res.status(settled ? 201 : 202);
    res.setHeader('Location', `/api/v1/reservations/${view.reservation_id}`);
    return view;
  }

  @Get()
  @Authenticated({ permission: 'reservations.read', allowDrivers: true })
  @ApiOperation({ summary: 'List reservations, newest first' })
  @ApiOkResponse({ type: ReservationListView })
  list(@Auth() auth: AuthContext, @Query() query: ListReservationsQueryDto): Promise<Page<ReservationView>> {
    return this.reservations.list(auth, query);
  }

  @Get(':reservation_id')
  @Authenticated({ permission: 'reservations.read', allowDrivers: true })
  @ApiOperation({ summary: 'Get a reservation' })
  @ApiParam({ name: 'reservation_id', example: 'res_01HXG9H8I7J6K5L4MN0PQRSTUV' })
  @ApiOkResponse({ type: ReservationView })
  get(@Auth() auth: AuthContext, @Param('reservation_id') id: string): Promise<ReservationView> {
    return this.reservations.get(auth, id);
  }

  @Delete(':reservation_id')
  @Authenticated({ permission: 'reservations.write', allowDrivers: true })
  @ApiOperation({
    summary: 'Cancel a reservation',
    description:
      'Cancels the reservation and sends CancelReservation to the charge point: 204. When the charger is ' +
      'offline the reservation is cancelled here and CancelReservation waits for its reconnect: 202 with ' +
      'the reservation and `cancel_delivery: "queued_until_reconnect"`. 409 `reservation_not_active` when ' +
      'it is already used, expired, cancelled or rejected.',
  })
  @ApiParam({ name: 'reservation_id', example: 'res_01HXG9H8I7J6K5L4MN0PQRSTUV' })
  @ApiNoContentResponse({ description: 'Cancelled; CancelReservation sent to the charger' })
  @ApiAcceptedResponse({
    type: ReservationCancelQueuedView,
    description: 'Cancelled; the charger is offline and gets CancelReservation when it reconnects',
  })
  @ApiConflictResponse({ description: '`reservation_not_active`' })
  async cancel(
    @Auth() auth: AuthContext,
    @Param('reservation_id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReservationCancelQueuedView | undefined> {
    const { view, queued } = await this.reservations.cancel(auth, id);
    if (!queued) {
      res.status(204);
      return undefined;
    }
    res.status(202);
    return { ...view, cancel_delivery: 'queued_until_reconnect' };
  }
}
