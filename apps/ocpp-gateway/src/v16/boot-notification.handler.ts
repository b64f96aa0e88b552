import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { BOOT_STATUS, bootInterval } from '../charging/boot-policy';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { BootNotificationRequest16, BootNotificationResponse16 } from './v16.types';

@Injectable()
@OcppAction('ocpp1.6', 'BootNotification')
export class BootNotificationHandler16 implements OcppHandler<
  BootNotificationRequest16,
  BootNotificationResponse16
> {
  constructor(
    private readonly state: ChargePointStateService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(req: BootNotificationRequest16, ctx: OcppCallContext): Promise<BootNotificationResponse16> {
    const status = await this.state.boot(ctx.connection, {
      vendor: req.chargePointVendor,
      model: req.chargePointModel,
      serialNumber: req.chargePointSerialNumber ?? req.chargeBoxSerialNumber ?? null,
      firmwareVersion: req.firmwareVersion ?? null,
    });
    return {
      status: BOOT_STATUS[status],
      currentTime: this.clock.now().toISOString(),
      interval: bootInterval(status, this.config.gateway.heartbeatIntervalSeconds),
    };
  }
}
