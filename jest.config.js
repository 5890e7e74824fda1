// Two tiers, each its own Jest project: `unit` (pure logic, *.spec.ts beside the code) and
// `integration` (*.int-spec.ts: real Postgres and RabbitMQ, one throw-away database and broker
// namespace per file).
const fs = require('fs');
const path = require('path');

const swcConfig = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
const libs = fs.readdirSync(path.join(__dirname, 'libs'));
const moduleNameMapper = Object.fromEntries(
  libs.map((lib) => [`^@proctor/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`]),
);
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swcConfig] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  // Per-project testTimeout is ignored by Jest: integration tests need the longer one.
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      setupFiles: ['reflect-metadata', '<rootDir>/libs/testing/src/jest-setup.ts'],
    },
  ],
};
