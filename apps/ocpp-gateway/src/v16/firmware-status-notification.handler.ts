import { Injectable } from '@nestjs/common';
import { ChargerReportsService } from '../charging/charger-reports.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';

@Injectable()
@OcppAction('ocpp1.6', 'FirmwareStatusNotification')
export class FirmwareStatusNotificationHandler16 implements OcppHandler<{ status: string }, object> {
  constructor(private readonly reports: ChargerReportsService) {}

  async handle(req: { status: string }, ctx: OcppCallContext): Promise<object> {
    await this.reports.record(ctx.connection, 'FirmwareStatusNotification', req);
    return {};
  }
}
