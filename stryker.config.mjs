/**
 * Mutation testing of the security-critical files (`npm run mutate`, a pre-release check; see
 * test/MUTATION.md for the last score and the equivalent mutants). Narrow a run while writing
 * tests: `npm run mutate -- --mutate src/client-auth.ts`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'src/client-auth.ts',
    'src/client-cache.ts',
    'src/services/redirect-uris.ts',
    'src/crypto.ts',
    'src/scope.ts',
    'src/require-scope.ts',
    'src/grants/*.ts',
    'src/endpoints/introspect.ts',
    'src/endpoints/revoke.ts',
    'src/limits/**/*.ts',
  ],
  // Other work shares the machine's two cores.
  concurrency: 2,
  timeoutMS: 30000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['test-artifacts', 'bench/out', 'example-app/data', 'dist', 'coverage', 'reports'],
  thresholds: { high: 95, low: 90, break: null },
};
