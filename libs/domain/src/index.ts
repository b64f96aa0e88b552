export * from './entities';
export * from './roles';
export * from './data-source';
export * from './migrate';
export * from './domain.module';
export * from './naming.strategy';
export * from './reservation-transitions';
