import { Node } from '../core/ts-morph.js';
import { insertPropertyAfter } from './edits.js';
import { findToolDefinition } from './locate.js';
import { inferStyle, quoted } from './style.js';
import { changed, conflict, defineTransform, unchanged } from './types.js';

export interface SetToolDeprecatedOptions {
  tool: string;
  since: string;
  replacement: string;
  refuseAfter?: string;
  removeAfter?: string;
  reason?: string;
}

const FIELDS = ['since', 'replacement', 'refuseAfter', 'removeAfter', 'reason'] as const;

/**
 * Sets the `deprecated` property of tool `tool`: inserted after `version` when absent, its
 * object literal replaced when it differs, left alone when it already says the same.
 * @example
 * // before: defineTool({ name: 'a', version: '1.0.0', ... })
 * // after:  defineTool({ name: 'a', version: '1.0.0', deprecated: { since: '2026-12-01', replacement: 'b' }, ... })
 */
export const setToolDeprecated = defineTransform<SetToolDeprecatedOptions>({
  id: 'set-tool-deprecated',
  describe: (o) => `deprecate ${o.tool} in favour of ${o.replacement} from ${o.since}`,
  apply(sourceFile, options) {
    const definition = findToolDefinition(sourceFile, options.tool);
    if (!definition) return conflict(`No defineTool({ name: '${options.tool}', ... }) found in ${sourceFile.getBaseName()}.`);
    const style = inferStyle(sourceFile.getFullText());
    const wanted = FIELDS.filter((field) => options[field] !== undefined).map((field) => [field, options[field]!] as const);
    const literal = `{ ${wanted.map(([field, value]) => `${field}: ${quoted(value, style)}`).join(', ')} }`;

    const property = definition.getProperty('deprecated');
    if (property) {
      if (!Node.isPropertyAssignment(property)) return conflict(`The deprecated property of ${options.tool} is not a plain property.`, 'Edit it by hand.');
      const initializer = property.getInitializerOrThrow();
      if (Node.isIdentifier(initializer) && initializer.getText() === 'undefined') {
        initializer.replaceWithText(literal);
        return changed();
      }
      if (!Node.isObjectLiteralExpression(initializer)) {
        return conflict(
          `The deprecated property of ${options.tool} is computed (${initializer.getText().slice(0, 40)}); refusing to overwrite it.`,
          'Edit it by hand.',
        );
      }
      const current = new Map<string, string | undefined>();
      for (const entry of initializer.getProperties()) {
        if (!Node.isPropertyAssignment(entry))
          return conflict(`The deprecated object of ${options.tool} has a ${entry.getKindName()}; refusing to rewrite it.`, 'Edit it by hand.');
        const value = entry.getInitializerOrThrow();
        current.set(entry.getName(), Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) ? value.getLiteralValue() : undefined);
      }
      const same = current.size === wanted.length && wanted.every(([field, value]) => current.get(field) === value);
      if (same) return unchanged(`${options.tool} is already deprecated that way`);
      initializer.replaceWithText(literal);
      return changed();
    }
    const properties = definition.getProperties();
    const anchor = properties.find((p) => Node.isPropertyAssignment(p) && p.getName() === 'version') ?? properties.at(-1);
    if (!anchor) return conflict(`The definition of ${options.tool} is empty.`, 'Edit it by hand.');
    insertPropertyAfter(anchor, `deprecated: ${literal}`);
    return changed();
  },
});
