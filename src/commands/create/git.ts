import { execa } from 'execa';

export type GitOutcome = 'committed' | 'initialized' | 'inside-existing-repo' | 'git-missing';

/**
 * Initialises a repository with one commit. Skipped inside an existing work tree (a monorepo
 * package must not get a nested repo). A missing git identity leaves an initialised repo
 * without a commit rather than failing the whole scaffold.
 */
export async function initGitRepository(dir: string): Promise<GitOutcome> {
  const probe = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  if (probe.failed && (probe as { code?: string }).code === 'ENOENT') return 'git-missing';
  if (probe.exitCode === 0 && probe.stdout.trim() === 'true') return 'inside-existing-repo';
  await execa('git', ['init', '--quiet'], { cwd: dir });
  // The generated README and ci.yml name `main`; git before 2.28 has no --initial-branch.
  await execa('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir });
  await execa('git', ['add', '--all'], { cwd: dir });
  const commit = await execa('git', ['commit', '--quiet', '--no-verify', '-m', 'Initial commit from create-mcp-prod'], {
    cwd: dir,
    reject: false,
  });
  return commit.exitCode === 0 ? 'committed' : 'initialized';
}
