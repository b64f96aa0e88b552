export * from './queue-names';
export * from './redis';
export * from './queues.module';
export * from './connection-registry';
export * from './notifications';
export * from './billing';
export * from './gateway-control';
export * from './commands';
