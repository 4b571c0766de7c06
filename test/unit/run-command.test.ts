import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reportError, runCommand } from '../../src/cli/run-command.js';
import { CliError, ExitError } from '../../src/core/errors.js';
import { ownPackage } from '../../src/core/package-info.js';
import { CaptureStream } from '../helpers/capture-stream.js';

let stderr: CaptureStream;
beforeEach(() => {
  stderr = new CaptureStream();
});

describe('reportError', () => {
  it('prints a CliError as message and hint lines, without a stack, and returns 1', () => {
    const code = reportError(new CliError('Directory x is not empty.', { hint: 'Pass --force.' }), stderr);
    expect(code).toBe(1);
    expect(stderr.text).toBe('error: Directory x is not empty.\nPass --force.\n');
    expect(stderr.text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it('prints a CliError without a hint as a single line', () => {
    expect(reportError(new CliError('Cancelled; nothing was written.'), stderr)).toBe(1);
    expect(stderr.text).toBe('error: Cancelled; nothing was written.\n');
  });

  it('returns the exit code a CliError carries', () => {
    expect(reportError(new CliError('interrupted', { exitCode: 130 }), stderr)).toBe(130);
  });

  it('returns the code of an ExitError and prints nothing', () => {
    expect(reportError(new ExitError(3), stderr)).toBe(3);
    expect(stderr.text).toBe('');
  });

  it('prints each ZodError issue with its flag path and returns 1', () => {
    const result = z.object({ port: z.number(), host: z.string() }).safeParse({ port: 'x', host: 1 });
    expect(result.success).toBe(false);
    expect(reportError(result.error, stderr)).toBe(1);
    const lines = stderr.text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: --port: .*number/);
    expect(lines[1]).toMatch(/^error: --host: .*string/);
  });

  it('reports any other Error as an internal error with its stack and returns 2', () => {
    const error = new TypeError('boom');
    expect(reportError(error, stderr)).toBe(2);
    const { name, version } = ownPackage();
    expect(stderr.text).toContain(`internal error in ${name} ${version} on Node ${process.version}`);
    expect(stderr.text).toContain('TypeError: boom');
    expect(stderr.text).toContain(error.stack ?? 'missing stack');
    expect(stderr.text).toMatch(/run-command\.test\.ts/);
  });

  it('reports a thrown non-Error value as an internal error', () => {
    expect(reportError('plain string', stderr)).toBe(2);
    expect(stderr.text).toMatch(/internal error/);
    expect(stderr.text).toContain('plain string\n');
  });
});

describe('runCommand', () => {
  const exitCodeBefore = process.exitCode;
  afterEach(() => {
    process.exitCode = exitCodeBefore;
  });

  it('leaves the exit code alone when the work succeeds', async () => {
    let ran = false;
    await runCommand(async () => {
      ran = true;
    }, stderr);
    expect(ran).toBe(true);
    expect(process.exitCode).toBe(exitCodeBefore);
    expect(stderr.text).toBe('');
  });

  it('sets the exit code from the reported error instead of throwing', async () => {
    await runCommand(() => Promise.reject(new CliError('bad input', { hint: 'try again' })), stderr);
    expect(process.exitCode).toBe(1);
    expect(stderr.text).toBe('error: bad input\ntry again\n');
  });
});
