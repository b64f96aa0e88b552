import { Foundation1795343479236 } from './1795343479236-foundation';
import { ChargePoints1795343933446 } from './1795343933446-charge-points';
import { Commands1795345196503 } from './1795345196503-commands';

/** Every migration, in order. New migrations are appended here (generated with `npm run migration:generate`). */
export const MIGRATIONS: Function[] = [
  Foundation1795343479236,
  ChargePoints1795343933446,
  Commands1795345196503,
];
