/**
 * Every error code of the wire contract, driven through real clients of both SDK generations.
 *
 * SDK v1 clients (`@modelcontextprotocol/sdk`, what most deployed clients are built on) validate
 * `structuredContent` against a tool's output schema even on error results; an error shaped for
 * v2 only would reach them as a thrown -32602 and the user would never see its code. The same
 * cases run over stdio (clients-stdio.test.ts) and Streamable HTTP (clients-http.test.ts).
 */
import { expect } from 'vitest';
import { z } from 'zod/v4';
import { readToolError } from '../../src/platform/errors.js';
import { fingerprint } from '../../src/platform/idempotency.js';
import { defineTool, type AnyTool } from '../../src/platform/tool.js';
import type { Store } from '../../src/store/types.js';
import { appendEffect, fixtureTools } from '../fixtures/tools.js';

export const SDKS = ['v1', 'v2'] as const;
export type Sdk = (typeof SDKS)[number];

/** Needs a scope no matrix token holds, so that every transport can show insufficient_scope. */
const adminOnly = defineTool({
  name: 'admin_only',
  version: '1.0.0',
  description: 'Needs the admin scope.',
  scopes: ['test:admin'],
  readOnly: true,
  input: z.strictObject({}),
  output: z.object({ ok: z.boolean() }),
  async handler() {
    return { ok: true };
  },
});

/** One call an hour per caller: the second call shows rate_limited. */
const hourly = defineTool({
  name: 'hourly',
  version: '1.0.0',
  description: 'Rate limited to one call an hour.',
  scopes: ['test:read'],
  readOnly: true,
  rateLimit: '1/hour',
  input: z.strictObject({}),
  output: z.object({ ok: z.boolean() }),
  async handler() {
    return { ok: true };
  },
});

/** A call may cost more than its whole daily budget, so every call shows budget_exceeded. */
const overBudget = defineTool({
  name: 'over_budget',
  version: '1.0.0',
  description: 'Holds more than its budget allows.',
  scopes: ['test:read'],
  readOnly: true,
  dailyBudgetUsd: 0.01,
  maxCostUsd: 0.02,
  input: z.strictObject({}),
  output: z.object({ ok: z.boolean() }),
  async handler() {
    return { ok: true };
  },
});

export const matrixTools: AnyTool[] = [...fixtureTools, adminOnly, hourly, overBudget];
/** The scopes of the token every matrix client holds: everything but test:admin. */
export const MATRIX_SCOPES = ['test:read', 'test:write'];

export interface CallOutcome {
  result?: Record<string, any>;
  thrown?: Error;
}

/** One call shape over either SDK's Client. */
export interface MatrixClient {
  call(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<CallOutcome>;
  close(): Promise<void>;
}

interface AnySdkClient {
  callTool(params: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

export function wrapClient(client: AnySdkClient): MatrixClient {
  return {
    async call(name, args, meta) {
      try {
        return { result: (await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) })) as Record<string, any> };
      } catch (error) {
        return { thrown: error as Error };
      }
    },
    close: () => client.close(),
  };
}

/** What a case may do to the server under test besides calling it. */
export interface MatrixWorld {
  /** The server's store, opened by the test (same object in-process, same file for a child process). */
  store: Store;
  principalId: string;
  setStoreFault(on: boolean): Promise<void>;
}

export interface ErrorCase {
  code: string;
  message: RegExp;
  run(client: MatrixClient, world: MatrixWorld): Promise<CallOutcome>;
}

const KEY_META = 'mcp-prod/idempotencyKey';
let keys = 0;
const freshKey = () => `matrix-${process.pid}-${Date.now()}-${++keys}`;

/** The tool error paths every transport shares; the transport files add their own refusals. */
export const toolErrorCases: ErrorCase[] = [
  {
    code: 'validation_failed',
    message: /text/,
    run: (client) => client.call('echo', { text: '' }),
  },
  {
    code: 'schema_mismatch',
    message: /2\.3\.0/,
    run: (client) => client.call('echo', { text: 'hi' }, { 'mcp-prod/toolVersion': '1.0.0' }),
  },
  {
    code: 'insufficient_scope',
    message: /test:admin/,
    run: (client) => client.call('admin_only', {}),
  },
  {
    code: 'idempotency_key_required',
    message: /idempotency key/,
    run: (client) => client.call('append_effect', { label: 'matrix', delayMs: 0 }),
  },
  {
    code: 'idempotency_key_invalid',
    message: /printable ASCII/,
    run: (client) => client.call('append_effect', { label: 'matrix', delayMs: 0 }, { [KEY_META]: 'has spaces in it' }),
  },
  {
    code: 'idempotency_key_reused',
    message: /different arguments/,
    async run(client) {
      const key = freshKey();
      const first = await client.call('append_effect', { label: 'first', delayMs: 0 }, { [KEY_META]: key });
      expect(first.result?.isError, JSON.stringify(first)).toBeFalsy();
      return client.call('append_effect', { label: 'second', delayMs: 0 }, { [KEY_META]: key });
    },
  },
  {
    code: 'idempotency_key_in_use',
    message: /still running/,
    async run(client) {
      const key = freshKey();
      const slow = client.call('append_effect', { label: 'slow', delayMs: 1500 }, { [KEY_META]: key });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const duplicate = await client.call('append_effect', { label: 'slow', delayMs: 1500 }, { [KEY_META]: key });
      await slow;
      return duplicate;
    },
  },
  {
    code: 'idempotency_outcome_unknown',
    message: /never finished/,
    async run(client, world) {
      // A claim whose lease ran out long ago: what a process killed mid-call leaves behind.
      const key = freshKey();
      const args = { label: 'crashed', delayMs: 0, fail: false };
      const claim = await world.store.idempotency.claim({
        principalId: world.principalId,
        tool: appendEffect.name,
        key,
        fingerprint: fingerprint(appendEffect, args),
        now: Date.now() - 60_000,
        leaseMs: 1000,
        retentionMs: 86_400_000,
      });
      expect(claim.kind).toBe('acquired');
      return client.call('append_effect', args, { [KEY_META]: key });
    },
  },
  {
    code: 'store_unavailable',
    message: /unavailable/,
    async run(client, world) {
      await world.setStoreFault(true);
      try {
        return await client.call('append_effect', { label: 'fault', delayMs: 0 }, { [KEY_META]: freshKey() });
      } finally {
        await world.setStoreFault(false);
      }
    },
  },
  {
    code: 'rate_limited',
    message: /Rate limit for hourly/,
    async run(client) {
      await client.call('hourly', {});
      const refused = await client.call('hourly', {});
      expect(refused.result?._meta?.['mcp-prod/error']).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
      return refused;
    },
  },
  {
    code: 'budget_exceeded',
    message: /daily budget for over_budget/,
    run: (client) => client.call('over_budget', {}),
  },
  {
    code: 'removed_use_replacement',
    message: /echo/,
    run: (client) => client.call('old_echo', { text: 'hi' }),
  },
  {
    code: 'internal_error',
    message: /call_id/,
    run: (client) => client.call('failing', { mode: 'crash' }),
  },
  {
    code: 'internal_error',
    message: /call_id/,
    run: (client) => client.call('failing', { mode: 'bad_output' }),
  },
  {
    code: 'thing_not_found',
    message: /No such thing/,
    run: (client) => client.call('failing', { mode: 'business' }),
  },
];

/**
 * The client returned the error result (it did not throw it away), without structuredContent,
 * and the same error object can be read from `_meta` and from the JSON text alone.
 */
export function expectReadableToolError(outcome: CallOutcome, code: string, message: RegExp): void {
  if (outcome.thrown) throw new Error(`the client threw instead of returning the ${code} result: ${outcome.thrown.message}`);
  const result = outcome.result!;
  expect(result.isError, JSON.stringify(result)).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const fromMeta = result._meta?.['mcp-prod/error'];
  expect(fromMeta).toMatchObject({ code, message: expect.stringMatching(message), retryable: expect.any(Boolean) });
  expect(readToolError({ isError: true, content: result.content })).toEqual(fromMeta);
}

/**
 * A refusal answered at the HTTP layer: the client throws, and the error names our code and
 * carries our message. SDK v1 puts the response body in the message; SDK v2 raises a typed
 * InsufficientScopeError from the RFC 6750 challenge (`error_description` is our message).
 */
export function expectReadableRefusal(outcome: CallOutcome, code: string, message: RegExp): void {
  expect(outcome.result, 'expected the HTTP layer to refuse the call').toBeUndefined();
  const thrown = outcome.thrown as Error & { errorDescription?: string };
  const brand = ((thrown.constructor as { mcpBrand?: string }).mcpBrand ?? '').toLowerCase();
  const namesCode = thrown.message.includes(`"code":"${code}"`) || brand.includes(code.replace(/_/g, ''));
  expect(namesCode, `${brand}: ${thrown.message}`).toBe(true);
  expect(`${thrown.message}\n${thrown.errorDescription ?? ''}`).toMatch(message);
}

/** A store whose idempotency claims fail while `fault.on` is set, as a database outage would. */
export function faultableStore(store: Store, fault: { readonly on: boolean }): Store {
  const bound = <T extends object>(target: T, prop: PropertyKey) => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const idempotency = new Proxy(store.idempotency, {
    get: (target, prop) => (prop === 'claim' && fault.on ? () => Promise.reject(new Error('injected store fault')) : bound(target, prop)),
  });
  return new Proxy(store, { get: (target, prop) => (prop === 'idempotency' ? idempotency : bound(target, prop)) });
}
