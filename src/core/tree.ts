import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { writeFilesAtomically } from './atomic-file.js';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface FileChange {
  path: string;
  type: ChangeType;
  before: string | undefined;
  after: string | undefined;
}

/**
 * A virtual view of a project: reads fall through to disk, writes and deletes are recorded and
 * only reach the disk on `flush`, all at once. Commands build their whole change here first
 * (lockfile included), so a refusal or a dry run leaves the project untouched.
 */
export class ProjectTree {
  private readonly pending = new Map<string, string | null>();
  private readonly descriptions = new Map<string, string[]>();

  constructor(readonly root: string) {}

  private absolute(file: string): string {
    return path.join(this.root, file);
  }

  private readDisk(file: string): string | undefined {
    const absolute = this.absolute(file);
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  }

  /** @example tree.write('a.ts', 'x'); tree.read('a.ts') === 'x' */
  read(file: string): string | undefined {
    if (this.pending.has(file)) return this.pending.get(file) ?? undefined;
    return this.readDisk(file);
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

  /** Records why `file` changes (a transform's description), shown by a dry run. */
  describe(file: string, description: string): void {
    this.descriptions.set(file, [...(this.descriptions.get(file) ?? []), description]);
  }

  descriptionsOf(file: string): readonly string[] {
    return this.descriptions.get(file) ?? [];
  }

  /**
   * The files under `dir` (POSIX, relative to the root) as the tree sees them: on disk or
   * written, and not deleted; sorted.
   * @example tree.listFiles('src/tools') // ['src/tools/index.ts', 'src/tools/search-notes.ts']
   */
  listFiles(dir: string): string[] {
    const files = new Set<string>();
    const absolute = this.absolute(dir);
    if (existsSync(absolute)) {
      for (const entry of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) files.add(path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
      }
    }
    const prefix = `${dir.replace(/\/$/, '')}/`;
    for (const [file, content] of this.pending) {
      if (!file.startsWith(prefix)) continue;
      if (content === null) files.delete(file);
      else files.add(file);
    }
    return [...files].sort();
  }

  /** What `flush` would do, without no-op writes. */
  listChanges(): FileChange[] {
    const changes: FileChange[] = [];
    for (const [file, content] of this.pending) {
      const before = this.readDisk(file);
      const after = content ?? undefined;
      if (before === after) continue;
      changes.push({ path: file, type: before === undefined ? 'CREATE' : after === undefined ? 'DELETE' : 'UPDATE', before, after });
    }
    return changes.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Writes every change in one atomic step (see writeFilesAtomically). */
  async flush(): Promise<FileChange[]> {
    const changes = this.listChanges();
    await writeFilesAtomically(changes.map((change) => ({ file: this.absolute(change.path), content: change.after })));
    this.pending.clear();
    return changes;
  }
}

/** A unified diff of one change, with a/ and b/ prefixes like git's. */
function unifiedDiff(change: FileChange): string {
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
 * `dryRun`, prints what each edit does and the unified diffs, and touches nothing.
 */
export async function commitTree(tree: ProjectTree, options: { dryRun: boolean; write(text: string): void }): Promise<FileChange[]> {
  const changes = tree.listChanges();
  if (changes.length === 0) return changes;
  for (const change of changes) {
    options.write(`${change.type} ${change.path}\n`);
    if (options.dryRun) for (const description of tree.descriptionsOf(change.path)) options.write(`  ${description}\n`);
  }
  if (options.dryRun) {
    options.write('\n');
    for (const change of changes) options.write(unifiedDiff(change));
    options.write('\nNOTE: --dry-run: nothing was written.\n');
    return changes;
  }
  return tree.flush();
}
