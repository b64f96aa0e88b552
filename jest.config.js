/**
 * Three projects: unit specs beside the code, end-to-end suites in test/ against real Postgres, Redis and
 * OCPP clients, and the embedded mode's suites (PGlite and BullMQ on Postgres, no servers needed).
 */
const moduleNameMapper = {
  '^@csms/(common|domain|auth|queues)$': '<rootDir>/libs/$1/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'embedded',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/embedded/**/*.embedded-spec.ts'],
      moduleNameMapper,
      transform,
      setupFiles: ['reflect-metadata'],
    },
  ],
};
