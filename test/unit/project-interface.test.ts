/**
 * The CLI-project interface (src/project/interface.ts) against what the templates render: the
 * shapes mcp-prod reads from src/contract.ts and src/admin.ts are type-checked against every
 * scaffold variant, and the rules both sides apply (semantic versions, scope syntax) are the
 * same rules.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { SCOPE } from '../../src/commands/add-tool/options.js';
import { renderProject } from '../../src/commands/create/index.js';
import type { Transport } from '../../src/commands/create/options.js';
import { isSemver } from '../../src/core/semver.js';
import type { ProjectToolContract } from '../../src/project/interface.js';
import type { DeprecationInfo, ToolContract } from '../../src/schema-diff/types.js';
import { SCOPE as PROJECT_SCOPE } from '../../templates/project/base/src/platform/scopes.js';
import { parseSemver } from '../../templates/project/base/src/platform/semver.js';
import { repoRoot } from '../helpers/cli.js';
import { createOptions } from '../helpers/options.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'mcp-prod-interface-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/**
 * Packages a generated project installs that this repository does not. The interface's types
 * are the project's own, so stubbing these only costs errors elsewhere, which are ignored:
 * only what tsc says about interface.check.ts counts (and the check refuses \`any\`).
 */
const STUBBED = ['@modelcontextprotocol/server', '@modelcontextprotocol/server/stdio', 'better-sqlite3', 'pino', 'redis'];

const CHECK = `import type { openAdmin } from './src/admin.js';
import type { scopeRules, toolContracts } from './src/contract.js';
import type { DailyCostRow, ProjectAdmin, ProjectToolContract, ScopeRules, TokenView } from '${path.join(repoRoot, 'src', 'project', 'interface.js')}';

type Is<A extends B, B> = [A, B];
type NotAny<T> = 0 extends 1 & T ? false : true;
type Admin = ReturnType<typeof openAdmin>;
type Contract = Awaited<ReturnType<typeof toolContracts>>[string];
type Token = Awaited<ReturnType<Admin['tokens']['list']>>[number];
type CostRow = Awaited<ReturnType<Admin['costs']['daily']>>[number];
export type Checks = [
  Is<Contract, ProjectToolContract>,
  Is<typeof scopeRules, ScopeRules>,
  Is<Admin, ProjectAdmin>,
  Is<Token, TokenView>,
  Is<CostRow, DailyCostRow>,
  Is<[NotAny<Contract>, NotAny<Admin>, NotAny<Token>, NotAny<CostRow>], [true, true, true, true]>,
];
`;

describe('the CLI-project interface', () => {
  it.each<[Transport, boolean]>([
    ['both', true],
    ['stdio', false],
    ['http', false],
  ])(
    'type-checks against the rendered %s project (examples: %s)',
    async (transport, example) => {
      const dir = path.join(temp, `${transport}-${example}`);
      for (const [file, content] of renderProject(createOptions({ transport, example }))) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      writeFileSync(path.join(dir, 'stubs.d.ts'), STUBBED.map((name) => `declare module '${name}';`).join('\n'));
      writeFileSync(path.join(dir, 'interface.check.ts'), CHECK);
      writeFileSync(
        path.join(dir, 'tsconfig.interface.json'),
        JSON.stringify({
          extends: './tsconfig.json',
          compilerOptions: { noEmit: true, rootDir: '/' },
          include: [],
          files: ['stubs.d.ts', 'interface.check.ts'],
        }),
      );
      const tsc = await execa(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.interface.json'], {
        cwd: dir,
        reject: false,
        all: true,
      });
      const aboutTheInterface = (tsc.all ?? '').split('\n').filter((line) => line.startsWith('interface.check.ts'));
      expect(aboutTheInterface).toEqual([]);
      expect(tsc.all, 'tsc must have run').not.toContain('error TS5');
    },
    60_000,
  );

  it('accepts exactly the semantic versions the project accepts', () => {
    const versions = ['1.0.0', '0.1.0', '10.20.30', '1.0.0-beta.1', '1.0.0+build.5', '1.0.0-rc.1+sha', 'v1.0.0', '1.0', '01.0.0', '1.0.0-', '1.0.0 ', ''];
    expect(versions.map((version) => [version, isSemver(version)])).toEqual(versions.map((version) => [version, parseSemver(version) !== undefined]));
  });

  it('checks scope syntax as the project does', () => {
    expect(SCOPE.source).toBe(PROJECT_SCOPE.source);
  });
});

describe('one deprecation shape and one contract shape on the CLI side', () => {
  it('the interface read from projects is what the lockfile and the compatibility engine take', () => {
    expectTypeOf<ProjectToolContract>().toExtend<ToolContract>();
    expectTypeOf<NonNullable<ProjectToolContract['deprecated']>>().toEqualTypeOf<DeprecationInfo>();
  });
});
