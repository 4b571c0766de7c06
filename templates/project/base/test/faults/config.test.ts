/**
 * Fault: idempotency settings that would break the guarantee. A lease longer than the retention
 * let a record be purged while its call still ran, and a retry ran the handler a second time;
 * fractions and absurd values are typos. Each is refused at start, naming the variable and the
 * range it accepts.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { collectLogs } from './secret-scan.js';

const LEASE = 'MCP_PROD_IDEMPOTENCY_LEASE_SECONDS';
const RETENTION = 'MCP_PROD_IDEMPOTENCY_RETENTION_HOURS';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ MCP_PROD_STORE: 'memory', ...env });
  } catch (error) {
    collectLogs((error as Error).message);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('idempotency settings', () => {
  it.each(['0', '0.5', '1.5', '-30', '3601', '86400', 'abc', '', '1e9'])(`refuses ${LEASE}=%j, naming the range`, (value) => {
    expect(refusal({ [LEASE]: value })).toContain(`${LEASE}=${JSON.stringify(value)}: must be a whole number of seconds from 1 to 3600`);
  });

  it.each(['0', '23', '24.5', '2161', '100000', 'forever'])(`refuses ${RETENTION}=%j, naming the range`, (value) => {
    expect(refusal({ [RETENTION]: value })).toContain(`${RETENTION}=${JSON.stringify(value)}: must be a whole number of hours from 24 to 2160`);
  });

  it('reports both at once', () => {
    const message = refusal({ [LEASE]: '7200', [RETENTION]: '12' });
    expect(message).toContain(LEASE);
    expect(message).toContain(RETENTION);
  });

  it.each([
    [{}, 300_000, 86_400_000],
    [{ [LEASE]: '1', [RETENTION]: '24' }, 1000, 86_400_000],
    [{ [LEASE]: '3600', [RETENTION]: '2160' }, 3_600_000, 2160 * 3_600_000],
    [{ [LEASE]: ' 45 ' }, 45_000, 86_400_000],
  ])('accepts %j', (env, leaseMs, retentionMs) => {
    expect(loadConfig({ MCP_PROD_STORE: 'memory', ...env }).idempotency).toEqual({ leaseMs, retentionMs });
  });

  it('keeps every accepted lease shorter than every accepted retention', () => {
    const longest = loadConfig({ MCP_PROD_STORE: 'memory', [LEASE]: '3600', [RETENTION]: '24' }).idempotency;
    expect(longest.leaseMs).toBeLessThan(longest.retentionMs);
  });
});
