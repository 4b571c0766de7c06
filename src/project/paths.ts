import path from 'node:path';

/** The lockfile's name (schema-diff/lockfile.ts holds the same; test/unit/import-graph.test.ts checks it). */
export const LOCKFILE_FILE = 'mcp-tools.lock.json';

/** Where a generated project keeps its tools, and the registry that lists them. */
export const TOOLS_DIR = 'src/tools';
export const REGISTRY_FILE = 'src/tools/index.ts';

/** How the registry imports a tool module: `src/tools/search-notes.ts` -> `./search-notes.js`. */
export function registrySpecifier(toolFile: string): string {
  return `./${path.posix.relative(TOOLS_DIR, toolFile).replace(/\.ts$/, '.js')}`;
}

/** The test and eval files that exercise a tool module and go with it. */
export function companionFiles(toolFile: string): string[] {
  const base = path.posix.basename(toolFile, '.ts');
  return [`test/tools/${base}.test.ts`, `evals/${base}.eval.ts`];
}
