import { ParseIntPipe } from '@nestjs/common';
import { Problems } from '@csms/common';

/** A path parameter that must be a positive OCPP number (EVSE or connector id); 400 naming it otherwise. */
export const ocppNumber = (field: string) =>
  new ParseIntPipe({
    exceptionFactory: () => Problems.validation([{ field, message: `${field} must be an integer` }]),
  });
