import { afterEach, describe, expect, it } from 'vitest';
import { localPrincipal } from '../src/platform/auth.js';
import { connectClient, errorOf, newKey, testApp } from './helpers/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function connectAs(scopes: string[]) {
  const { app, logs } = testApp({ authenticate: localPrincipal(scopes) });
  const connection = await connectClient(app);
  cleanups.push(connection.close);
  return { app, logs, client: connection.client };
}

describe('example notes tools', () => {
  it('lists the three tools with their scopes and versions', async () => {
    const { client } = await connectAs(['notes:admin']);
    const { tools } = await client.listTools();
    expect(tools.map((t) => [t.name, t._meta?.['mcp-prod/tool']])).toEqual([
      ['create_note', { version: '1.0.0', scopes: ['notes:write'], idempotency: 'required', readOnly: false }],
      ['delete_note', { version: '1.0.0', scopes: ['notes:admin'], idempotency: 'required', readOnly: false }],
      ['search_notes', { version: '1.0.0', scopes: ['notes:read'], idempotency: 'none', readOnly: true }],
    ]);
    expect(tools.find((t) => t.name === 'delete_note')?.annotations).toMatchObject({ destructiveHint: true });
  });

  it('creates, finds and deletes a note', async () => {
    const { client, app } = await connectAs(['notes:admin']);
    const key = newKey();
    const create = () =>
      client.callTool({
        name: 'create_note',
        arguments: { title: 'Standup', body: 'Ship the scaffolder', tags: ['work'] },
        _meta: { 'mcp-prod/idempotencyKey': key },
      });
    const created = await create();
    expect((await create())._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    const { id } = created.structuredContent as { id: number };
    expect(await app.store.notes.count('local')).toBe(1);

    const found = await client.callTool({ name: 'search_notes', arguments: { query: 'scaffolder' } });
    expect(found.structuredContent).toMatchObject({ notes: [{ id, title: 'Standup', tags: ['work'] }] });

    expect((await client.callTool({ name: 'delete_note', arguments: { id, idempotencyKey: newKey() } })).structuredContent).toEqual({ deleted: true, id });
    expect(errorOf(await client.callTool({ name: 'delete_note', arguments: { id, idempotencyKey: newKey() } }))).toMatchObject({ code: 'note_not_found', id });
  });

  it('points validation errors at the offending argument', async () => {
    const { client } = await connectAs(['notes:write']);
    const error = errorOf(await client.callTool({ name: 'create_note', arguments: { title: '', tags: ['ok', ''], idempotencyKey: newKey() } }));
    expect(error.code).toBe('validation_failed');
    expect((error.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['/tags/1', '/title']);
  });

  it('creates one note for 50 concurrent create_note calls sharing a key', async () => {
    const { client, app } = await connectAs(['notes:write']);
    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.callTool({ name: 'create_note', arguments: { title: 'once', body: 'exactly once' }, _meta: { 'mcp-prod/idempotencyKey': key } }),
      ),
    );
    expect(await app.store.notes.count('local')).toBe(1);
    const ids = new Set(results.filter((r) => !r.isError).map((r) => (r.structuredContent as { id: number }).id));
    expect(ids.size).toBe(1);
    for (const r of results.filter((r) => r.isError)) expect(errorOf(r).code).toBe('idempotency_key_in_use');
  });

  it('requires an idempotency key for the mutating tools', async () => {
    const { client, app } = await connectAs(['notes:admin']);
    expect(errorOf(await client.callTool({ name: 'create_note', arguments: { title: 'x' } })).code).toBe('idempotency_key_required');
    expect(await app.store.notes.count('local')).toBe(0);
  });

  it("enforces each tool's scope tier", async () => {
    const { client, app } = await connectAs(['notes:read']);
    expect(errorOf(await client.callTool({ name: 'create_note', arguments: { title: 'x', idempotencyKey: newKey() } })).code).toBe('insufficient_scope');
    expect(await app.store.notes.count('local')).toBe(0);
    expect((await client.callTool({ name: 'search_notes', arguments: { query: 'x' } })).isError).toBeFalsy();
  });
});
