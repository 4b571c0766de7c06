import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCI, isInteractive, parseTristate } from '../../src/core/env.js';
import { createUi } from '../../src/core/ui.js';
import { CaptureStream } from '../helpers/capture-stream.js';

describe('parseTristate', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
    ['False', false],
    ['yes', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%j -> %s', (value, expected) => {
    expect(parseTristate(value)).toBe(expected);
  });
});

describe('isCI / isInteractive', () => {
  it('reads CI as a tristate', () => {
    expect(isCI({ CI: 'true' })).toBe(true);
    expect(isCI({ CI: '1' })).toBe(true);
    expect(isCI({ CI: 'false' })).toBe(false);
    expect(isCI({})).toBe(false);
  });

  it('lets MCP_PROD_FORCE_TTY override the terminal and CI checks', () => {
    expect(isInteractive({ MCP_PROD_FORCE_TTY: '1', CI: 'true' })).toBe(true);
    expect(isInteractive({ MCP_PROD_FORCE_TTY: '0' })).toBe(false);
  });

  it('is never interactive in CI', () => {
    expect(isInteractive({ CI: 'true' })).toBe(false);
  });
});

describe('createUi (non-interactive)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function plainUi() {
    const out = new CaptureStream();
    const err = new CaptureStream();
    return { ui: createUi(false, { out: out as unknown as typeof process.stdout, err: err as unknown as typeof process.stderr }), out, err };
  }

  it('prints plain lines, warnings on stderr', () => {
    const { ui, out, err } = plainUi();
    ui.intro('title');
    ui.info('info line');
    ui.success('done line');
    ui.outro('bye');
    ui.warn('careful');
    expect(out.text).toBe('title\ninfo line\ndone line\nbye\n');
    expect(err.text).toBe('warning: careful\n');
  });

  it('announces a task, prints heartbeats while it runs and reports its duration', async () => {
    vi.useFakeTimers();
    const { ui, out } = plainUi();
    let finish: (value: string) => void = () => undefined;
    const running = ui.task('Installing', () => new Promise<string>((resolve) => (finish = resolve)), { heartbeatMs: 1_000 });
    await vi.advanceTimersByTimeAsync(2_500);
    finish('result');
    await expect(running).resolves.toBe('result');
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('Installing...');
    expect(lines.filter((line) => line.startsWith('  still working ('))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^Installing: done in \d+\.\ds$/);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(out.text.trimEnd().split('\n')).toHaveLength(lines.length);
  });

  it('stops the heartbeat and rethrows when the task fails', async () => {
    vi.useFakeTimers();
    const { ui, out } = plainUi();
    await expect(ui.task('Failing', () => Promise.reject(new Error('nope')), { heartbeatMs: 1_000 })).rejects.toThrow('nope');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(out.text).toBe('Failing...\n');
  });
});
