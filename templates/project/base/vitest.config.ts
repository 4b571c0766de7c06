import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scans every log line the fault suite collected for every secret it used (test/faults).
    globalSetup: ['test/faults/secret-scan.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
