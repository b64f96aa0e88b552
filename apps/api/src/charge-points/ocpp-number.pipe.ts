import { PipeTransform } from '@nestjs/common';
import { Problems } from '@csms/common';

/**
 * A path parameter that must be a non-negative OCPP number (EVSE or connector id) that fits the
 * database's integer: up to nine digits; 400 naming it otherwise.
 */
export const ocppNumber = (field: string): PipeTransform<string, number> => ({
  transform(value: string): number {
    if (!/^\d{1,9}$/.test(value)) {
      throw Problems.validation([{ field, message: `${field} must be an integer of at most 9 digits` }]);
    }
    return Number(value);
  },
});
