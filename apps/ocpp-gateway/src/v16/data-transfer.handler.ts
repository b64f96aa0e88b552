import { Injectable } from '@nestjs/common';
import { ChargerReportsService } from '../charging/charger-reports.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import type { DataTransferRequest16 } from './v16.types';

/** Kept for the record; no vendor extension is known, so the vendor is unknown to the CSMS. */
@Injectable()
@OcppAction('ocpp1.6', 'DataTransfer')
export class DataTransferHandler16 implements OcppHandler<DataTransferRequest16, { status: string }> {
  constructor(private readonly reports: ChargerReportsService) {}

  async handle(req: DataTransferRequest16, ctx: OcppCallContext): Promise<{ status: string }> {
    await this.reports.record(ctx.connection, 'DataTransfer', req);
    return { status: 'UnknownVendorId' };
  }
}
