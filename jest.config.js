/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/adapters'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: `npm test` typechecks the whole project with tsc first.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // The example app imports the package by name, as a site owner would.
  moduleNameMapper: {
    '^express-oauth-provider$': '<rootDir>/src/index.ts',
    '^express-oauth-provider/testing$': '<rootDir>/src/testing/index.ts',
    '^express-oauth-provider/adapters/(.*)$': '<rootDir>/adapters/$1/index.ts',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 20000,
};
