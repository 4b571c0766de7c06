import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { initGitRepository } from '../../src/commands/create/git.js';

const saved = { ...process.env };
const dirs: string[] = [];
afterEach(() => {
  process.env = { ...saved };
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('creates the repository on main even where git defaults to master', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'git-home-'));
  const project = mkdtempSync(path.join(tmpdir(), 'git-project-'));
  dirs.push(home, project);
  const globalConfig = path.join(home, 'gitconfig');
  writeFileSync(globalConfig, '[init]\n\tdefaultBranch = master\n[user]\n\tname = Test\n\temail = test@example.com\n');
  Object.assign(process.env, { GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: '1' });
  writeFileSync(path.join(project, 'README.md'), '# x\n');

  expect(await initGitRepository(project)).toBe('committed');
  expect((await execa('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: project })).stdout).toBe('main');
  expect((await execa('git', ['log', '--format=%s', 'main'], { cwd: project })).stdout).toBe('Initial commit from create-mcp-prod');
});
