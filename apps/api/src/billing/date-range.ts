import { Problems } from '@csms/common';
import { localToUtc } from '../tariffs/pricing';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateRange {
  from: Date | null;
  /** Exclusive upper bound. */
  before: Date | null;
}

/**
 * `from`/`to` query values: a date-only value is a whole day in the organization's timezone (`to`
 * inclusive, so `to=2024-01-31` covers that day); a date-time is an instant. from > to → 400.
 */
export function dateRange(from: string | undefined, to: string | undefined, timeZone: string): DateRange {
  const start = (value: string, nextDay: boolean): Date => {
    const m = DATE_ONLY.exec(value);
    if (m) return new Date(localToUtc(+m[1], +m[2], +m[3] + (nextDay ? 1 : 0), 0, timeZone));
    return new Date(new Date(value).getTime() + (nextDay ? 1 : 0));
  };
  const range = {
    from: from ? start(from, false) : null,
    before: to ? start(to, true) : null,
  };
  if (range.from && range.before && range.from.getTime() >= range.before.getTime()) {
    throw Problems.validation([{ field: 'from', message: 'from must not be after to' }]);
  }
  return range;
}
