/**
 * The ctx a handler receives: its logger, signal and transaction are made when the handler asks
 * for them, through getters on a prototype. Getters in an object literal would cost V8 an
 * accessor pair in the old generation for every call, which keeps the whole call reachable from
 * there until the next full collection (src/platform/call-context.ts).
 */
import { z } from 'zod/v4';
import { describe, expect, it, vi } from 'vitest';
import { cancellationOf } from '../src/platform/cancellation.js';
import { createLogger, type Logger } from '../src/platform/logger.js';
import { defineTool, type ToolContext } from '../src/platform/tool.js';
import { connectClient, testApp } from './helpers/harness.js';

/** The property names an object answers through a getter or setter of its own. */
const ownAccessors = (object: object) =>
  Object.entries(Object.getOwnPropertyDescriptors(object))
    .filter(([, descriptor]) => descriptor.get !== undefined || descriptor.set !== undefined)
    .map(([name]) => name);

function inspectingTool(inspect: (ctx: ToolContext) => unknown) {
  return defineTool({
    name: 'inspect_ctx',
    version: '1.0.0',
    description: 'Looks at its own ctx.',
    scopes: [],
    readOnly: true,
    input: z.strictObject({}),
    async handler(_args, ctx) {
      return JSON.stringify(inspect(ctx));
    },
  });
}

async function callWith(inspect: (ctx: ToolContext) => unknown, logger?: Logger) {
  const { app, logs } = testApp({ tools: [inspectingTool(inspect)], ...(logger ? { logger } : {}) });
  const connection = await connectClient(app);
  try {
    const result = await connection.client.callTool({ name: 'inspect_ctx', arguments: {} });
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    return { result, seen: JSON.parse(text) as Record<string, unknown>, logs };
  } finally {
    await connection.close();
    await app.close();
  }
}

describe('the ctx a handler receives', () => {
  it('has no getters of its own, and still gives the logger, signal and transaction on demand', async () => {
    const { result, seen, logs } = await callWith((ctx) => {
      const accessors = ownAccessors(ctx);
      ctx.log.info({ event: 'from_handler' }, 'from the handler');
      let tx: string;
      try {
        void ctx.tx;
        tx = 'given';
      } catch (error) {
        tx = (error as Error).message;
      }
      const { signal } = ctx;
      return { accessors, aborted: signal.aborted, isSignal: signal instanceof AbortSignal, sameSignal: ctx.signal === signal, tx, callId: ctx.callId };
    });
    expect(result.isError).toBeFalsy();
    expect(seen).toEqual({
      accessors: [],
      aborted: false,
      isSignal: true,
      sameSignal: true,
      tx: 'inspect_ctx uses ctx.tx but is not declared transactional: add `transactional: true` to its defineTool.',
      callId: expect.any(String),
    });
    // The logger is bound to the call and the tool.
    expect(logs.events('from_handler')).toEqual([expect.objectContaining({ call_id: seen.callId, tool_name: 'inspect_ctx' })]);
  });

  it('makes one logger per call however often the handler reads ctx.log', async () => {
    const { seen } = await callWith((ctx) => {
      const first = ctx.log;
      return { same: ctx.log === first };
    });
    expect(seen).toEqual({ same: true });
  });
});

describe('ctx.log', () => {
  function infoLogger() {
    const lines: Record<string, unknown>[] = [];
    const destination = {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    };
    const logger = createLogger({ level: 'info', destination });
    return { logger, lines, children: vi.spyOn(logger, 'child') };
  }

  it('makes no child logger for a line at a disabled level', async () => {
    const { logger, lines, children } = infoLogger();
    await callWith((ctx) => {
      ctx.log.debug({ event: 'too_fine' }, 'not written');
      return {};
    }, logger);
    expect(children).not.toHaveBeenCalled();
    expect(lines.filter((line) => line.event === 'too_fine')).toEqual([]);
    expect(lines.filter((line) => line.event === 'tool_call')).toHaveLength(1);
  });

  it('writes an enabled line through a child bound to the call and the tool', async () => {
    const { logger, lines } = infoLogger();
    const { seen } = await callWith((ctx) => {
      ctx.log.info({ event: 'worth_it' }, 'written');
      return { callId: ctx.callId, level: ctx.log.level, debug: ctx.log.isLevelEnabled('debug') };
    }, logger);
    expect(seen).toEqual({ callId: expect.any(String), level: 'info', debug: false });
    expect(lines.filter((line) => line.event === 'worth_it')).toEqual([
      expect.objectContaining({ call_id: seen.callId, tool_name: 'inspect_ctx', msg: 'written' }),
    ]);
  });
});

describe('the cancellation of a call that arrived with its own signal', () => {
  it('has no getters of its own and follows the signal', () => {
    const controller = new AbortController();
    const cancellation = cancellationOf(controller.signal);
    expect(ownAccessors(cancellation)).toEqual([]);
    const heard: string[] = [];
    cancellation.onCancel(() => heard.push('cancelled'));
    expect(cancellation.cancelled).toBe(false);
    controller.abort();
    expect(cancellation.cancelled).toBe(true);
    expect(heard).toEqual(['cancelled']);
  });
});
