import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateReservationDto {
  @ApiProperty({ description: 'The charge point to reserve a connector on', example: 'cp_001' })
  @IsString()
  @Length(1, 48)
  charge_point_id: string;

  @ApiProperty({
    description: 'The connector to reserve: the OCPP 1.6 connectorId, or the OCPP 2.0.1 EVSE id',
    example: 1,
    minimum: 1,
  })
  @IsInt()
  @Min(1)
  @Max(1000)
  connector_id: number;

  @ApiProperty({
    description: 'ISO 8601 date-time at which the reservation expires if unused (in the future)',
    example: '2024-01-20T16:00:00Z',
  })
  @IsDateString({ strict: true })
  expiry_date: string;

  @ApiProperty({
    description:
      'The id tag that alone can use the reservation: an id tag registered in the organization (an RFID UID, or an email registered as an id tag). At most 20 characters for OCPP 1.6 charge points, 36 for 2.0.1.',
    example: 'driver@example.com',
    maxLength: 255,
  })
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  @Matches(/^[\x20-\x7e]+$/, { message: 'id_tag must be printable ASCII' })
  id_tag: string;
}
