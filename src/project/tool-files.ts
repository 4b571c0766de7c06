import { Project } from '../core/ts-morph.js';
import type { ProjectTree } from '../core/tree.js';
import { findToolDefinition } from '../transforms/locate.js';
import { TOOLS_DIR } from './paths.js';

let parser: Project | undefined;

/**
 * The file under src/tools whose `defineTool({ name: '<name>', ... })` defines the tool, as the
 * tree sees it (pending writes included). Every command finds tools this way: a text search
 * only picks the candidates, the syntax tree decides, so a comment or another property that
 * mentions the name does not count.
 * @example findToolFile(tree, 'search_notes') // 'src/tools/search-notes.ts'
 */
export function findToolFile(tree: ProjectTree, name: string): string | undefined {
  const quotedName = new RegExp(`(['"\`])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`);
  const candidates = tree.listFiles(TOOLS_DIR).filter((file) => file.endsWith('.ts') && quotedName.test(tree.read(file) ?? ''));
  if (candidates.length === 0) return undefined;
  parser ??= new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const files = parser;
  return candidates.find((file) => findToolDefinition(files.createSourceFile(file, tree.read(file)!, { overwrite: true }), name) !== undefined);
}

/** `findToolFile` for several tools. */
export function findToolFiles(tree: ProjectTree, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of names) {
    const file = findToolFile(tree, name);
    if (file) found.set(name, file);
  }
  return found;
}
