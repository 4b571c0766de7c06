import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueTokenCommand } from '../../src/commands/token/index.js';
import { loadContracts, loadContractsAndScopes, loadToolContract } from '../../src/project/contracts.js';
import { isKnownScope, knownScopes, loadScopeRules, suggestScope } from '../../src/project/scopes.js';
import { scopeRules } from '../../templates/project/base/src/platform/scopes.js';
import { LOCKFILE_NAME } from '../../src/schema-diff/lockfile.js';
import { cliErrorOf, copyProject, generateProjectTemplate, type ProjectCopy, type ProjectTemplate } from '../helpers/generated-project.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-token-');
});
afterAll(() => template?.cleanup());

/** The project's admin API, replaced by one that records what it was asked to issue (no SQLite needed). */
function withRecordingAdmin(copy: ProjectCopy): ProjectCopy {
  copy.write(
    'src/admin.ts',
    `import { appendFileSync } from 'node:fs';
export function openAdmin() {
  return {
    dbPath: 'unused',
    tokens: {
      async issue(options: { scopes: string[] }) {
        appendFileSync(new URL('../issued.log', import.meta.url), JSON.stringify(options.scopes) + '\\n');
        const record = { id: 'tok_1', principalId: 'default', name: 'default', scopes: options.scopes, hint: 'mcpp_…abcd', createdAt: '', expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: null, lastUsedAt: null, rotatedFrom: null, status: 'active' };
        return { token: 'mcpp_secretsecretsecretsecretsecret0abcd', record };
      },
    },
    close: async () => {},
  };
}
`,
  );
  return copy;
}

async function issue(copy: ProjectCopy, scopes: string[], options: { strict?: boolean; json?: boolean } = {}) {
  const out: string[] = [];
  const warnings: string[] = [];
  await issueTokenCommand(
    copy.project,
    { scopes, strict: options.strict ?? false },
    { json: options.json ?? false, write: (text) => void out.push(text), warn: (text) => void warnings.push(text) },
  );
  return { out: out.join(''), warnings: warnings.join('') };
}

const issuedScopes = (copy: ProjectCopy) =>
  copy.exists('issued.log')
    ? copy
        .read('issued.log')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string[])
    : [];

describe('scope knowledge (with the hierarchy the generated project defines)', () => {
  it('treats every tier of a used resource as known, and nothing else', () => {
    const used = ['notes:read', 'billing'];
    expect(['notes:read', 'notes:write', 'notes:admin', 'billing'].every((scope) => isKnownScope(scope, used, scopeRules))).toBe(true);
    expect(['Notes:Read', 'notes:delete', 'note:read', 'billing:read', 'files:read'].some((scope) => isKnownScope(scope, used, scopeRules))).toBe(false);
    expect(knownScopes(used, scopeRules)).toEqual(['billing', 'notes:admin', 'notes:read', 'notes:write']);
  });

  it('asks the project for its hierarchy, and names what an older project lacks', async () => {
    const copy = copyProject(template);
    expect((await loadScopeRules(copy.project)).tiers).toEqual(['read', 'write', 'admin']);
    copy.edit('src/contract.ts', "export { scopeRules } from './platform/scopes.js';", '');
    const error = await cliErrorOf(() => loadScopeRules(copy.project));
    expect(error.message).toBe('src/contract.ts does not provide what mcp-prod needs: scopeRules: Invalid input: expected object, received undefined.');
    expect(error.hint).toContain('freshly generated project');
    expect((await cliErrorOf(() => loadContractsAndScopes(copy.project))).message).toBe(error.message);
  });

  it("still reads an older project's contracts for the commands that need no scope rules (bundle, dashboard, deprecate)", async () => {
    const copy = copyProject(template);
    copy.edit('src/contract.ts', "export { scopeRules } from './platform/scopes.js';", '');
    expect(Object.keys(await loadContracts(copy.project))).toContain('search_notes');
    expect(Object.keys(await loadToolContract(copy.project, 'src/tools/search-notes.ts'))).toEqual(['search_notes']);
  });

  it('suggests the scope a slip was meant to be', () => {
    const known = ['notes:admin', 'notes:read', 'notes:write'];
    expect(suggestScope('Notes:Read', known)).toBe('notes:read');
    expect(suggestScope('note:read', known)).toBe('notes:read');
    expect(suggestScope('notes:wirte', known)).toBe('notes:write');
    expect(suggestScope('billing:read', known)).toBeUndefined();
  });
});

describe('token issue', () => {
  it('issues known scopes without a word, including a higher tier of a used resource', async () => {
    const copy = withRecordingAdmin(copyProject(template));
    const { warnings } = await issue(copy, ['notes:read', 'notes:admin'], { strict: true });
    expect(warnings).toBe('');
    expect(issuedScopes(copy)).toEqual([['notes:read', 'notes:admin']]);
  });

  it('knows mcp-prod:admin (the dashboard beyond loopback asks for it), though no tool requires it', async () => {
    const copy = withRecordingAdmin(copyProject(template));
    const { warnings } = await issue(copy, ['mcp-prod:admin'], { strict: true });
    expect(warnings).toBe('');
    expect(issuedScopes(copy)).toEqual([['mcp-prod:admin']]);
  });

  it('warns on stderr about unknown scopes, lists the known ones, and still issues', async () => {
    const copy = withRecordingAdmin(copyProject(template));
    const { out, warnings } = await issue(copy, ['Notes:Read', 'billing:read'], { json: true });
    expect(warnings).toBe(
      'warning: --scopes: no tool of this project requires Notes:Read (did you mean notes:read?), billing:read; the token is issued, but no tool accepts that scope.\n' +
        'Scopes the tools require: notes:admin notes:read notes:write. Known scopes (admin covers write covers read): notes:admin notes:read notes:write.\n' +
        'Pass --strict to refuse unknown scopes.\n',
    );
    // --json output stays one JSON document.
    expect(JSON.parse(out)).toMatchObject({ id: 'tok_1', scopes: ['Notes:Read', 'billing:read'] });
    expect(issuedScopes(copy)).toEqual([['Notes:Read', 'billing:read']]);
  });

  it('--strict refuses unknown scopes with exit 1 and issues nothing', async () => {
    const copy = withRecordingAdmin(copyProject(template));
    const error = await cliErrorOf(() => issue(copy, ['notes:read', 'Notes:Write'], { strict: true }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('--scopes: no tool of this project requires Notes:Write (did you mean notes:write?).');
    expect(error.hint).toContain('Known scopes (admin covers write covers read): notes:admin notes:read notes:write.');
    expect(issuedScopes(copy)).toEqual([]);
  });

  it('reads the scopes from the tools themselves when there is no lockfile', async () => {
    const copy = withRecordingAdmin(copyProject(template));
    rmSync(path.join(copy.root, LOCKFILE_NAME));
    const error = await cliErrorOf(() => issue(copy, ['notes:reed'], { strict: true }));
    expect(error.message).toContain('did you mean notes:read?');
    expect(existsSync(path.join(copy.root, LOCKFILE_NAME))).toBe(false);
  });
});
