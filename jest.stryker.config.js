/**
 * The jest run StrykerJS uses (`npm run mutate`): the tests that exercise the mutated files,
 * without the browser, Redis Cluster, outage (they stop and start a redis-server), example-app
 * CLI, fuzz, package-build, README and client-library suites, which are slow or cover none of those files,
 * nor the architecture test, which reads the (instrumented) source files rather than running them.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/browser/',
    '/test/example-app/',
    '/test/adapters/(?!memory\\.test\\.ts)',
    '/test/reliability/(outages|multi-instance)\\.test\\.ts',
    '/test/security/fuzz\\.test\\.ts',
    '/test/package/',
    '/test/readme/',
    '/test/clients/',
    // It measures source files, which StrykerJS's instrumented copies make several times longer.
    '/test/unit/architecture\\.test\\.ts',
  ],
};
