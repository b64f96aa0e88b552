export * from './queue-names';
export * from './redis';
export * from './queues.module';
export * from './connection-registry';
export * from './commands';
