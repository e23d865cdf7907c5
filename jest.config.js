/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/adapters'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: `npm test` typechecks the whole project with tsc first. CommonJS here (not
  // tsconfig's node16) so that `import('jose')` becomes a require: jest runs modules in its own
  // CommonJS runtime, where a real dynamic import needs --experimental-vm-modules.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10' } }],
    // jose ships only as ES modules; jest's CommonJS runtime needs them rewritten.
    '/jose/dist/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
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
