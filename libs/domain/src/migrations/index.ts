import { Foundation1795343479236 } from './1795343479236-foundation';
import { ChargePoints1795343933446 } from './1795343933446-charge-points';
import { Commands1795344206273 } from './1795344206273-commands';

/** Every migration, in order. New migrations are appended here (generated with `npm run migration:generate`). */
export const MIGRATIONS: Function[] = [
  Foundation1795343479236,
  ChargePoints1795343933446,
  Commands1795344206273,
];
