import PDFDocument from 'pdfkit';
import type { ChargingSession, Organization } from '@csms/domain';
import { PricingResult, formatMinor, localTime } from '../tariffs/pricing';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-01-15 23:30 (Europe/Berlin)`: a receipt shows times in the operator's timezone. */
export function localStamp(at: Date | null, timeZone: string): string {
  if (!at) return '-';
  const l = localTime(at.getTime(), timeZone);
  return `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)} (${timeZone})`;
}

export interface ReceiptInput {
  organization: Organization;
  session: ChargingSession;
  cost: PricingResult;
  options?: { compress?: boolean };
}

/** The session receipt as a PDF (pdfkit, standard Helvetica so no font files are needed). */
export function renderReceipt({ organization, session, cost, options }: ReceiptInput): Promise<Buffer> {
  const tz = organization.settings.timezone;
  const currency = cost.currency;
  const money = (minor: number) => `${formatMinor(minor, currency)} ${currency}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options?.compress ?? true,
    info: { Title: `Receipt ${session.id}`, Author: organization.name },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).text(organization.name);
  doc.font('Helvetica').fontSize(10);
  if (organization.address) doc.text(organization.address);
  if (organization.taxId) doc.text(`Tax ID: ${organization.taxId}`);
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(14).text('Charging receipt');
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  doc.text(`Session: ${session.id}`);
  doc.text(`Charge point: ${session.chargePointId}`);
  doc.text(`Start: ${localStamp(session.startedAt, tz)}`);
  doc.text(`End: ${localStamp(session.stoppedAt ?? session.stopReceivedAt, tz)}`);
  doc.text(`Energy: ${(cost.energy_wh / 1000).toFixed(3)} kWh`);
  doc.moveDown();
  for (const line of cost.lines) {
    const detail =
      line.type === 'tax'
        ? `${line.quantity}% of ${line.unit_price} ${currency}`
        : `${line.quantity} ${line.unit} x ${line.unit_price} ${currency}`;
    doc.text(`${line.description}: ${detail} = ${money(line.amount_minor)}`);
  }
  doc.moveDown();
  doc.text(`Subtotal: ${money(cost.subtotal_minor)}`);
  doc.text(`Tax: ${money(cost.tax_minor)}`);
  doc.font('Helvetica-Bold').text(`Total: ${money(cost.total_minor)}`);
  doc.font('Helvetica').text(`Currency: ${currency}`);
  doc.end();
  return done;
}
