import type { ChargingSession } from '@csms/domain';
import { minorToMajor } from '../tariffs/pricing';
import type { CostBreakdownView } from '../sessions/dto/session-cost.dto';
import type { SessionCost } from './session-pricing.service';

/** A session's cost as the API shows it: exact minor units plus major-unit numbers for display. */
export function costBreakdownView(session: ChargingSession, cost: SessionCost): CostBreakdownView {
  const r = cost.result;
  const currency = r?.currency ?? cost.currency;
  const major = (minor: number) => minorToMajor(minor, currency ?? 'EUR');
  const snapshot = session.tariffSnapshot as { tariff_id?: string; name?: string } | null;
  return {
    session_id: session.id,
    currency,
    lines: (r?.lines ?? []).map((l) => ({ ...l, amount: major(l.amount_minor) })),
    subtotal: r ? major(r.subtotal_minor) : null,
    tax: r ? major(r.tax_minor) : null,
    total: r ? major(r.total_minor) : null,
    total_minor: r ? r.total_minor : null,
    estimate: cost.estimate,
    needs_review: cost.needsReview,
    tariff_id: snapshot?.tariff_id ?? null,
    tariff_name: snapshot?.name ?? null,
  };
}
