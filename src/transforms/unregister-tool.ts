import type { ImportDeclaration } from 'ts-morph';
import { Node, SyntaxKind } from '../core/ts-morph.js';
import { removeStatementLines } from './edits.js';
import { describeRegistry, findImport, findRegistryArray } from './locate.js';
import { changed, conflict, defineTransform, unchanged } from './types.js';

export interface UnregisterToolOptions {
  /** Specifier of the tool module relative to the registry, e.g. `./search-docs.js`. */
  from: string;
}

/** The one local name an import brings in: its default import, or its only named import. */
function soleImportedName(declaration: ImportDeclaration): string | undefined {
  if (declaration.getNamespaceImport()) return undefined;
  const named = declaration.getNamedImports();
  const defaultImport = declaration.getDefaultImport()?.getText();
  if (defaultImport) return named.length === 0 ? defaultImport : undefined;
  return named.length === 1 ? (named[0]!.getAliasNode() ?? named[0]!.getNameNode()).getText() : undefined;
}

/**
 * Removes the tool imported from `from` (by default or as its only named import) from the
 * `tools` array and drops its import.
 * @example
 * // before: import a from './a.js';\nimport b from './b.js';\nexport const tools = [a, b];
 * // after:  import a from './a.js';\nexport const tools = [a];
 */
export const unregisterTool = defineTransform<UnregisterToolOptions>({
  id: 'unregister-tool',
  describe: (o) => `remove ${o.from} from the tool registry`,
  apply(sourceFile, { from }) {
    const registry = findRegistryArray(sourceFile);
    if (!registry) {
      return conflict(`Cannot find the tool registry in ${sourceFile.getBaseName()}: ${describeRegistry(sourceFile)}.`, 'Remove the tool by hand.');
    }
    const declaration = findImport(sourceFile, from);
    if (!declaration) return unchanged(`${from} is not imported`);
    const identifier = soleImportedName(declaration);
    if (!identifier) return conflict(`The import of ${from} is not a plain default import.`, 'Remove the tool by hand.');
    const elements = registry.getElements();
    const index = elements.findIndex((element) => Node.isIdentifier(element) && element.getText() === identifier);
    if (index >= 0) registry.removeElement(index);
    const stillUsed = sourceFile
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .some((node) => node.getText() === identifier && !node.getFirstAncestorByKind(SyntaxKind.ImportDeclaration));
    if (!stillUsed) removeStatementLines(declaration);
    if (index < 0 && stillUsed) return unchanged(`${identifier} is not in the registry, and its import is still used elsewhere`);
    return changed();
  },
});
