/**
 * `npm run test:unit`: the pure tests (test/unit), without test/global-setup.ts (no PostgreSQL, no compiled build),
 * so it needs nothing running. Like `npm test` (vitest.config.ts), the files share their workers' module cache
 * (`isolate: false`).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/unit/**/*.test.ts'], globalSetup: [] },
});
