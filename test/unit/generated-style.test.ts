/**
 * A freshly generated project is formatted and lint-clean by its own Biome configuration, in
 * every scaffold variant: each variant is rendered in memory (as the golden-template test does),
 * written to a temporary directory, and checked there with this repository's Biome binary,
 * which reads the project's biome.json. `biome check` runs the formatter check and the linter
 * in one process (assist is off in that configuration); warnings count as failures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/create/index.js';
import type { CreateOptions } from '../../src/commands/create/options.js';
import { repoRoot } from '../helpers/cli.js';
import { createOptions } from '../helpers/options.js';

const biome = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'biome.cmd' : 'biome');
const temp = mkdtempSync(path.join(os.tmpdir(), 'mcp-prod-style-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const variants: [string, Partial<CreateOptions>][] = [];
for (const transport of ['both', 'stdio', 'http'] as const) {
  for (const example of [true, false]) {
    for (const store of ['sqlite', 'postgres'] as const) {
      variants.push([`${transport}-${example ? 'examples' : 'bare'}-${store}`, { transport, example, store }]);
    }
  }
}
variants.push(['stdio-bare-pnpm', { transport: 'stdio', example: false, packageManager: 'pnpm' }]);
variants.push(['http-examples-yarn-scoped', { transport: 'http', packageManager: 'yarn', name: '@acme/weather-server' }]);

describe('generated project style', () => {
  it.each(variants)(
    '%s passes biome format and lint with its own biome.json',
    async (variant, overrides) => {
      const directory = path.join(temp, variant);
      for (const [file, content] of renderProject(createOptions({ name: 'style-server', ...overrides }))) {
        mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
        writeFileSync(path.join(directory, file), content);
      }
      const result = await execa(biome, ['check', '--error-on-warnings', '--max-diagnostics=50', '--colors=off'], { cwd: directory, reject: false, all: true });
      expect(result.exitCode, `biome check in ${variant}:\n${result.all}`).toBe(0);
      // Guards against a configuration that quietly matches nothing.
      expect(Number(/Checked (\d+) files?/.exec(result.all)?.[1] ?? 0), result.all).toBeGreaterThan(50);
    },
    30_000,
  );
});
