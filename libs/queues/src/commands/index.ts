export * from './command-actions';
export * from './command-producer';
export * from './command-dispatcher';
export * from './ocpp-schema';
