import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface FileChange {
  path: string;
  type: ChangeType;
  before: string | undefined;
  after: string | undefined;
}

/**
 * A virtual view of a project: reads fall through to disk, writes and deletes are recorded and
 * only reach the disk on `flush`. Commands build all their changes here first, so a refusal or
 * a dry run leaves the project untouched.
 */
export class ProjectTree {
  private readonly pending = new Map<string, string | null>();

  constructor(readonly root: string) {}

  private absolute(file: string): string {
    return path.join(this.root, file);
  }

  read(file: string): string | undefined {
    if (this.pending.has(file)) return this.pending.get(file) ?? undefined;
    return existsSync(this.absolute(file)) ? readFileSync(this.absolute(file), 'utf8') : undefined;
  }

  exists(file: string): boolean {
    return this.read(file) !== undefined;
  }

  write(file: string, content: string): void {
    this.pending.set(file, content);
  }

  delete(file: string): void {
    this.pending.set(file, null);
  }

  /** What `flush` would do, without no-op writes. */
  listChanges(): FileChange[] {
    const changes: FileChange[] = [];
    for (const [file, content] of this.pending) {
      const before = existsSync(this.absolute(file)) ? readFileSync(this.absolute(file), 'utf8') : undefined;
      const after = content ?? undefined;
      if (before === after) continue;
      changes.push({ path: file, type: before === undefined ? 'CREATE' : after === undefined ? 'DELETE' : 'UPDATE', before, after });
    }
    return changes.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Writes every change; each file goes through a temporary file and a rename. */
  async flush(): Promise<FileChange[]> {
    const changes = this.listChanges();
    for (const change of changes) {
      const target = this.absolute(change.path);
      if (change.after === undefined) {
        await rm(target, { force: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, change.after);
      await rename(temporary, target);
    }
    this.pending.clear();
    return changes;
  }
}

/** A unified diff of one change, with a/ and b/ prefixes like git's. */
export function unifiedDiff(change: FileChange): string {
  return createTwoFilesPatch(
    change.before === undefined ? '/dev/null' : `a/${change.path}`,
    change.after === undefined ? '/dev/null' : `b/${change.path}`,
    change.before ?? '',
    change.after ?? '',
    '',
    '',
    { context: 3 },
  ).replace(/^=+\n/, '');
}

/**
 * Ends a command: prints CREATE/UPDATE/DELETE lines, then either writes the changes or, with
 * `dryRun`, prints unified diffs and touches nothing.
 */
export async function commitTree(tree: ProjectTree, options: { dryRun: boolean; write(text: string): void }): Promise<FileChange[]> {
  const changes = tree.listChanges();
  if (changes.length === 0) return changes;
  for (const change of changes) options.write(`${change.type} ${change.path}\n`);
  if (options.dryRun) {
    options.write('\n');
    for (const change of changes) options.write(unifiedDiff(change));
    options.write('\nNOTE: --dry-run: nothing was written.\n');
    return changes;
  }
  return tree.flush();
}
