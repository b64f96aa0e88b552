import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { ReservationTransitions } from '@csms/domain';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { ReservationStatusUpdateRequest201 } from './v201.types';

/** The charger expired (`Expired`) or dropped (`Removed`) a reservation: it ends here too. */
@Injectable()
@OcppAction('ocpp2.0.1', 'ReservationStatusUpdate')
export class ReservationStatusUpdateHandler201 implements OcppHandler<
  ReservationStatusUpdateRequest201,
  object
> {
  private readonly logger = new Logger('Reservations');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async handle(req: ReservationStatusUpdateRequest201, ctx: OcppCallContext): Promise<object> {
    const changed = await ReservationTransitions.chargerUpdate(
      this.db,
      ctx.connection.chargePointId,
      req.reservationId,
      req.reservationUpdateStatus,
      this.clock.now(),
    );
    if (!changed) {
      this.logger.debug(
        { chargePointId: ctx.connection.chargePointId, reservationId: req.reservationId },
        'ReservationStatusUpdate for a reservation that is not open',
      );
    }
    return {};
  }
}
