import { Node } from '../core/ts-morph.js';
import { insertArrayEntry } from './edits.js';
import { describeRegistry, findImport, findRegistryArray, isSorted } from './locate.js';
import { inferStyle, quoted } from './style.js';
import { changed, conflict, defineTransform, unchanged } from './types.js';

export interface RegisterToolOptions {
  /** Local name of the tool's default export, e.g. `searchDocs`. */
  identifier: string;
  /** Specifier relative to the registry file, e.g. `./search-docs.js`. */
  from: string;
}

/**
 * Adds `import <identifier> from '<from>'` and `<identifier>` to the exported `tools` array, in
 * the file's own quotes and semicolons, keeping a sorted array (and sorted tool imports) sorted.
 * @example
 * // before: import a from './a.js';\nexport const tools = [a];
 * // after:  import a from './a.js';\nimport b from './b.js';\nexport const tools = [a, b];
 */
export const registerTool = defineTransform<RegisterToolOptions>({
  id: 'register-tool',
  describe: (o) => `register ${o.identifier} (${o.from}) in the tool registry`,
  apply(sourceFile, { identifier, from }) {
    const registry = findRegistryArray(sourceFile);
    if (!registry) {
      return conflict(
        `Cannot find the tool registry in ${sourceFile.getBaseName()}: ${describeRegistry(sourceFile)}.`,
        'Expected `export const tools = [ ... ]`; register the tool by hand.',
      );
    }
    const elements = registry.getElements();
    if (!elements.every((element) => Node.isIdentifier(element))) {
      return conflict(
        `The registry in ${sourceFile.getBaseName()} is built dynamically (${elements
          .find((e) => !Node.isIdentifier(e))!
          .getText()
          .slice(0, 40)}).`,
        'Register the tool by hand.',
      );
    }
    const existingImport = findImport(sourceFile, from);
    const importedAs = existingImport?.getDefaultImport()?.getText();
    if (existingImport && importedAs !== identifier) {
      return conflict(
        `${from} is already imported${importedAs ? ` as ${importedAs}` : ' without a default import'} in ${sourceFile.getBaseName()}.`,
        'Rename the import to match, or register the tool by hand.',
      );
    }
    const names = elements.map((element) => element.getText());
    const listed = names.includes(identifier);
    if (existingImport && listed) return unchanged(`${identifier} is already registered`);

    const style = inferStyle(sourceFile.getFullText());
    if (!existingImport) {
      const statement = `import ${identifier} from ${quoted(from, style)}${style.semicolons ? ';' : ''}`;
      const toolImports = sourceFile.getImportDeclarations().filter((d) => d.getModuleSpecifierValue().startsWith('./') && d.getDefaultImport());
      const specifiers = toolImports.map((d) => d.getModuleSpecifierValue());
      const before = isSorted(specifiers)
        ? toolImports.find((d) => d.getModuleSpecifierValue().localeCompare(from, 'en', { sensitivity: 'base' }) > 0)
        : undefined;
      const anchor = before ?? sourceFile.getImportDeclarations().at(-1);
      if (!anchor) sourceFile.insertText(0, `${statement}\n\n`);
      else if (before) sourceFile.insertText(before.getStart(), `${statement}\n`);
      else sourceFile.insertText(anchor.getEnd(), `\n${statement}`);
    }
    if (!listed) {
      const array = findRegistryArray(sourceFile)!;
      const current = array.getElements().map((element) => element.getText());
      const index = isSorted(current) ? current.filter((name) => name.localeCompare(identifier, 'en', { sensitivity: 'base' }) < 0).length : current.length;
      insertArrayEntry(array, index, identifier);
    }
    return changed();
  },
});
