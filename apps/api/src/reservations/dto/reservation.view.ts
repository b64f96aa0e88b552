import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { RESERVATION_STATUSES, Reservation } from '@csms/domain';

export class ListReservationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only reservations on this charge point' })
  @IsOptional()
  @IsString()
  @Length(1, 48)
  charge_point_id?: string;

  @ApiPropertyOptional({ enum: RESERVATION_STATUSES })
  @IsOptional()
  @IsIn(RESERVATION_STATUSES)
  status?: (typeof RESERVATION_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only reservations for this id tag (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  id_tag?: string;
}

export class ReservationView {
  @ApiProperty({ example: 'res_01HXG9H8I7J6K5L4MN0PQRSTUV' }) reservation_id: string;
  @ApiProperty({ example: 'cp_001' }) charge_point_id: string;
  @ApiProperty({ example: 1, description: '1.6 connectorId; 2.0.1 EVSE id' }) connector_id: number;
  @ApiProperty({ example: 'driver@example.com' }) id_tag: string;
  @ApiProperty({ example: '2024-01-20T16:00:00.000Z' }) expiry_date: string;
  @ApiProperty({
    enum: RESERVATION_STATUSES,
    description:
      '`pending` (waiting for the charger), `active`, `rejected` (the charger refused), `used`, `expired`, `cancelled`',
  })
  status: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why it was rejected or cancelled: the charger answer (`Occupied`, `Faulted`, `Unavailable`, `Rejected`), `cancelled_by_request`, `connector_faulted`, `connector_unavailable`, `removed_by_charger`, ...',
  })
  status_reason: string | null;
  @ApiProperty({ description: 'The integer reservation id the charger knows (OCPP reservationId)' })
  ocpp_reservation_id: number;
  @ApiProperty({ enum: ['1.6', '2.0.1'] }) ocpp_version: string;
  @ApiProperty({ nullable: true, type: String, description: 'The ReserveNow command' })
  command_id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The CancelReservation command' })
  cancel_command_id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The session that used it' })
  session_id: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty({ nullable: true, type: String }) ended_at: string | null;
}

export class ReservationListView {
  @ApiProperty({ type: [ReservationView] }) data: ReservationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

/** The answer to a cancellation while the charger is offline (a 204 carries no body). */
export class ReservationCancelQueuedView extends ReservationView {
  @ApiProperty({
    enum: ['queued_until_reconnect'],
    description: 'CancelReservation waits for the charger to reconnect (until the expiry date)',
  })
  cancel_delivery: 'queued_until_reconnect';
}

export function toReservationView(r: Reservation): ReservationView {
  return {
    reservation_id: r.id,
    charge_point_id: r.chargePointId,
    connector_id: r.connectorId,
    id_tag: r.idTag,
    expiry_date: r.expiryDate.toISOString(),
    status: r.status,
    status_reason: r.statusReason,
    ocpp_reservation_id: r.ocppReservationId,
    ocpp_version: r.ocppVersion,
    command_id: r.reserveCommandId,
    cancel_command_id: r.cancelCommandId,
    session_id: r.sessionId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    ended_at: r.endedAt ? r.endedAt.toISOString() : null,
  };
}
