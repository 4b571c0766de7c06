import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/transforms/**/*.test.ts', 'test/commands/**/*.test.ts'],
          // Golden copies of rendered templates include the generated project's own tests.
          exclude: [...configDefaults.exclude, 'test/unit/__golden__/**'],
        },
      },
      { test: { name: 'cli', include: ['test/cli/**/*.cli.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // One scenario workspace is shared by every e2e file; never run them concurrently.
          fileParallelism: false,
        },
      },
    ],
  },
});
