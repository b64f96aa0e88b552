/**
 * The fault-injection suite (`npm run test:faults`): starts its own PostgreSQL and Redis and the built
 * apps as processes, then kills and restarts them. One file at a time; not part of `npm test`.
 */
module.exports = {
  displayName: 'faults',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  moduleNameMapper: { '^@csms/(common|domain|auth|queues)$': '<rootDir>/libs/$1/src' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] },
  globalSetup: '<rootDir>/test/faults/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/support/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  maxWorkers: 1,
  testTimeout: 240_000,
  // Sockets of killed processes may keep a handle open a little longer; teardown has ended them all.
  forceExit: true,
};
