/**
 * `npm run test:unit`: the pure tests (test/unit), without test/global-setup.ts (no PostgreSQL, no compiled build),
 * so it needs nothing running. The files share their workers' module cache (`isolate: false`): most of the lane's
 * time was each file loading and transpiling the same core modules again. `npm test` runs everything, isolated
 * (vitest.config.ts).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/unit/**/*.test.ts'], globalSetup: [], isolate: false },
});
