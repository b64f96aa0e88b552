import type { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { AuthorizationService } from '../../apps/ocpp-gateway/src/charging/authorization.service';
import { MeterValuesService } from '../../apps/ocpp-gateway/src/charging/meter-values.service';
import { SessionsService } from '../../apps/ocpp-gateway/src/charging/sessions.service';

/** The gateway's SessionsService on `db`, wired as the gateway wires it. */
export function sessionsService(db: DataSource): SessionsService {
  const clock = new Clock();
  return new SessionsService(
    db,
    clock,
    new AuthorizationService(db, clock),
    new MeterValuesService(db, clock),
  );
}
