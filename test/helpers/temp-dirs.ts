import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Unique temp directories for one test file; call `cleanup` from afterEach. */
export function tempDirs(prefix = 'create-mcp-prod-test-') {
  const created: string[] = [];
  return {
    async make(): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      created.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** Every file under `dir` (POSIX relative path -> base64 content), for byte-identity checks. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const snapshot: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    snapshot[path.relative(dir, absolute).split(path.sep).join('/')] = (await readFile(absolute)).toString('base64');
  }
  return snapshot;
}

export async function stagingDirsIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((entry) => entry.startsWith('.create-mcp-prod-'));
}
