import { Injectable } from '@nestjs/common';
import { Clock } from '@csms/common';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';

@Injectable()
@OcppAction('ocpp1.6', 'Heartbeat')
export class HeartbeatHandler16 implements OcppHandler<Record<string, never>, { currentTime: string }> {
  constructor(
    private readonly state: ChargePointStateService,
    private readonly clock: Clock,
  ) {}

  async handle(_req: Record<string, never>, ctx: OcppCallContext): Promise<{ currentTime: string }> {
    await this.state.touch(ctx.connection);
    return { currentTime: this.clock.now().toISOString() };
  }
}
