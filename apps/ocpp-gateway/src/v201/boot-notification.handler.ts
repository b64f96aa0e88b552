import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { BOOT_STATUS, bootInterval } from '../charging/boot-policy';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { BootNotificationRequest201, BootNotificationResponse201 } from './v201.types';

@Injectable()
@OcppAction('ocpp2.0.1', 'BootNotification')
export class BootNotificationHandler201 implements OcppHandler<
  BootNotificationRequest201,
  BootNotificationResponse201
> {
  constructor(
    private readonly state: ChargePointStateService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(req: BootNotificationRequest201, ctx: OcppCallContext): Promise<BootNotificationResponse201> {
    const station = req.chargingStation;
    const status = await this.state.boot(ctx.connection, {
      vendor: station.vendorName,
      model: station.model,
      serialNumber: station.serialNumber ?? null,
      firmwareVersion: station.firmwareVersion ?? null,
    });
    return {
      status: BOOT_STATUS[status],
      currentTime: this.clock.now().toISOString(),
      interval: bootInterval(status, this.config.gateway.heartbeatIntervalSeconds),
    };
  }
}
