/**
 * Optional dependencies stay out of a process that does not use them: OpenTelemetry without
 * OTEL_* settings, jose without MCP_PROD_AUTH=jwt. V8 lists every script a process parsed when
 * NODE_V8_COVERAGE is set, ES modules included, which `require.cache` does not show.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The URLs of every script the probe process parsed while serving one tool call. */
async function scriptsOfProbe(): Promise<string[]> {
  const coverage = mkdtempSync(path.join(tmpdir(), 'lazy-modules-'));
  dirs.push(coverage);
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'))), NODE_V8_COVERAGE: coverage };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/telemetry-off-probe.ts'], { env });
  expect(JSON.parse(stdout)).toMatchObject({ isError: false });
  return readdirSync(coverage).flatMap((file) =>
    (JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as { result: { url: string }[] }).result.map((script) => script.url),
  );
}

describe('modules loaded only when configured', () => {
  it('serves a call without parsing a line of jose or OpenTelemetry', async () => {
    const scripts = await scriptsOfProbe();
    // The list is complete enough to show them: the module that would import jose is in it.
    expect(scripts.some((url) => url.includes('/src/platform/jwt.ts'))).toBe(true);
    expect(scripts.filter((url) => url.includes('/node_modules/jose/') || url.includes('/node_modules/@opentelemetry/'))).toEqual([]);
  });
});
