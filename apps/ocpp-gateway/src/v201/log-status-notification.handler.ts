import { Injectable } from '@nestjs/common';
import { ChargerReportsService } from '../charging/charger-reports.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';

/** Stored as a charger report. */
@Injectable()
@OcppAction('ocpp2.0.1', 'LogStatusNotification')
export class LogStatusNotificationHandler201 implements OcppHandler<Record<string, any>, object> {
  constructor(private readonly reports: ChargerReportsService) {}

  async handle(req: Record<string, any>, ctx: OcppCallContext): Promise<object> {
    await this.reports.record(ctx.connection, 'LogStatusNotification', req);
    return {};
  }
}
