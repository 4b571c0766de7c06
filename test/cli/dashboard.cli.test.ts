/**
 * `mcp-prod dashboard` through the real binary, looked at in a real headless browser (Debian's
 * chromium driven by playwright-core): the page loads without console errors, shows the seeded
 * numbers, switches period, and a screenshot lands in .ci/artifacts/dashboard.png. Without
 * chromium the browser tests are skipped locally, and fail in CI (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI } from '../../src/core/env.js';
import { cliEnv, describeRun, repoRoot, runBin } from '../helpers/cli.js';
import { fakeAdminModule, seedStore, TODAY } from '../helpers/dashboard-data.js';
import { copyProject, generateProjectTemplate, type ProjectTemplate } from '../helpers/generated-project.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(repoRoot, '.ci', 'artifacts', 'dashboard.png');
const env = cliEnv({ MCP_PROD_NOW: `${TODAY}T12:00:00Z` });
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !isCI()) console.warn(`dashboard browser tests skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-dashboard-cli-');
}, 180_000);
afterAll(() => template?.cleanup());

/** Starts `mcp-prod dashboard --port 0` in `cwd` and resolves with the URL it prints. */
async function startDashboard(cwd: string, args: string[] = []) {
  const child = execa(process.execPath, [path.join(repoRoot, 'bin', 'mcp-prod.js'), 'dashboard', '--port', '0', ...args], {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 30s:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void child.then(() => {
      clearTimeout(timer);
      reject(new Error(`dashboard exited before printing its URL:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    /** Ctrl-C: resolves with the exit code and what was printed. */
    async interrupt() {
      child.kill('SIGINT');
      const result = await child;
      return { exitCode: result.exitCode, stdout, stderr };
    },
  };
}

/** A page that records console errors and uncaught exceptions. */
async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator('#content').waitFor({ state: 'visible' });
  return { page, errors };
}

/** Chart.js's global, to read what a chart was given. */
type ChartGlobal = { Chart: { getChart(id: string): { data: { labels: unknown[]; datasets: { label: string }[] } } } };

// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, which keeps a table's cells tab-separated
const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe.skipIf(!haveChromium && !isCI())('the dashboard in a headless browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`chromium is missing at ${CHROMIUM}: .ci/run installs it (apt-get install chromium); the dashboard's browser test cannot run`);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('shows every panel from an admin API with the full contract, switches period, and saves a screenshot', async () => {
    const copy = copyProject(template);
    copy.write('src/admin.ts', fakeAdminModule());
    const deprecate = await runBin(
      'mcp-prod',
      ['deprecate', 'delete_note', '--replacement', 'search_notes', '--since', '2026-06-01', '--refuse-after', '2026-07-12', '--remove-after', '2026-08-11'],
      { cwd: copy.root, env },
    );
    expect(deprecate.exitCode, describeRun(deprecate)).toBe(0);
    const server = await startDashboard(copy.root);
    try {
      const { page, errors } = await openPage(browser, server.url);
      expect(await text(page, '#period-label')).toBe('Last 7 days 2026-06-24 to 2026-06-30 (UTC days, both included).');
      expect(await text(page, '#total-cost')).toBe('$1.554000');
      expect(await text(page, '#total-calls')).toBe('16');
      expect(await text(page, '#total-errors')).toBe('3 (18.8%)');
      expect(await text(page, '#total-unpriced')).toBe('2');
      const health = await text(page, '#tools-health');
      expect(health).toContain('upstream_timeout ×1');
      expect(health).toMatch(/search_notes\t10\t2\t20\.0%\t.*\t1\t0\t22\.5 ms\t46\.9 ms\t49\.4 ms/);
      expect(await text(page, '#budgets-table')).toMatch(/alice\tcreate_note\t\$2\.00\t\$1\.50\t\$0\.50\t75\.0%/);
      expect(await page.locator('#auth-form').isVisible()).toBe(false);
      expect(await text(page, '#deprecations-table')).toMatch(
        /delete_note\tsearch_notes\tdeprecated\trefused in 12 day\(s\), from 2026-07-12\tcarol\t2\t2026-06-27/,
      );
      const datasets = await page.evaluate(() =>
        (globalThis as unknown as ChartGlobal).Chart.getChart('chart-days').data.datasets.map((d: { label: string }) => d.label),
      );
      expect(datasets).toEqual(['create_note', 'search_notes', 'delete_note']);

      await page.getByRole('button', { name: '30 days' }).click();
      await page.locator('#total-calls', { hasText: '21' }).waitFor();
      expect(await text(page, '#total-cost')).toBe('$2.054000');
      expect(await page.evaluate(() => (globalThis as unknown as ChartGlobal).Chart.getChart('chart-days').data.labels.length)).toBe(30);
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      await page.locator('#from').fill('2026-06-10');
      await page.locator('#to').fill('2026-06-10');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('#total-calls', { hasText: '5' }).waitFor();
      expect(await text(page, '#period-label')).toBe('From 2026-06-10 to 2026-06-10 (UTC days, both included).');
      expect(await text(page, '#total-cost')).toBe('$0.500000');
      expect(errors).toEqual([]);
    } finally {
      const stopped = await server.interrupt();
      expect(stopped.exitCode, `${stopped.stdout}\n${stopped.stderr}`).toBe(0);
      expect(stopped.stdout).toContain('Stopped (SIGINT).');
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('shows what a generated project records in its real SQLite store: costs, error codes, latency and its limits', async () => {
    const copy = copyProject(template);
    await seedStore(copy.project);
    const server = await startDashboard(copy.root);
    try {
      const { page, errors } = await openPage(browser, server.url);
      expect(await text(page, '#total-calls')).toBe('4');
      expect(await text(page, '#total-cost')).toBe('$0.003000');
      expect(await text(page, '#total-replays')).toBe('1');
      expect(await text(page, '#tools-health')).toContain('rate_limited');
      expect(await text(page, '#tools-health')).not.toContain('not recorded');
      expect(await text(page, '#budgets')).toContain('Defaults: daily budget none, rate limit none.');
      await page.getByRole('button', { name: '30 days' }).click();
      await page.locator('#total-calls', { hasText: '5' }).waitFor();
      expect(await text(page, '#total-cost')).toBe('$0.043000');
      expect(errors).toEqual([]);
    } finally {
      expect((await server.interrupt()).exitCode).toBe(0);
    }
  });
});

describe('dashboard exit codes', () => {
  it('exits 1 naming the option for a bad --port', async () => {
    const copy = copyProject(template);
    const run = await runBin('mcp-prod', ['dashboard', '--port', '99999'], { cwd: copy.root, env });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('error: --port: must be 0 (any free port) to 65535');
  });

  it('exits 1 when the port is in use', async () => {
    const copy = copyProject(template);
    copy.write('src/admin.ts', fakeAdminModule());
    const first = await startDashboard(copy.root);
    try {
      const port = new URL(first.url).port;
      const run = await runBin('mcp-prod', ['dashboard', '--port', port], { cwd: copy.root, env });
      expect(run.exitCode, describeRun(run)).toBe(1);
      expect(run.stderr).toContain(`error: Port ${port} on 127.0.0.1 is in use.`);
    } finally {
      await first.interrupt();
    }
  });
});
