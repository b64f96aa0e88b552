import { Foundation1795343479236 } from './1795343479236-foundation';

/** Every migration, in order. New migrations are appended here (generated with `npm run migration:generate`). */
export const MIGRATIONS: Function[] = [Foundation1795343479236];
