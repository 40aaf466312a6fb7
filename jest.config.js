/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Coverage is measured (and enforced) for the wire-format library.
  collectCoverageFrom: ['cdb/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { './cdb/': { lines: 90 } },
  testTimeout: 30000,
};
