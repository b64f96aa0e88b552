export * from './command-actions';
export * from './command-producer';
export * from './command-dispatcher';
export * from './command-outcomes';
export * from './ocpp-schema';
export * from './command-rows';
