// Three projects: the pure-Node core and shell logic, renderer components in jsdom,
// and end-to-end tests that drive the headless host with real Chromium.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'core',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/core', '<rootDir>/test/app', '<rootDir>/test/host', '<rootDir>/test/common', '<rootDir>/test/tooling'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper: { '^electron$': '<rootDir>/test/app/electron-mock.ts' },
    },
    {
      displayName: 'renderer',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test/renderer'],
      transform: { '^.+\\.tsx?$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/renderer/setup.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      transform: { '^.+\\.tsx?$': tsJest },
      testTimeout: 120000,
    },
  ],
};
