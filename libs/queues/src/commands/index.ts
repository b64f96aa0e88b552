export * from './command-actions';
export * from './command-producer';
