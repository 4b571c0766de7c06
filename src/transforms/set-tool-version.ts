import { Node } from '../core/ts-morph.js';
import { findToolDefinition } from './locate.js';
import { inferStyle, quoted } from './style.js';
import { changed, conflict, defineTransform, unchanged } from './types.js';

export interface SetToolVersionOptions {
  tool: string;
  version: string;
}

/**
 * Rewrites the `version` string literal of tool `tool`; only those bytes change. A version that
 * is computed (a variable, a call) is refused rather than overwritten.
 * @example
 * // before: defineTool({ name: 'a', version: '1.0.0', ... })
 * // after:  defineTool({ name: 'a', version: '2.0.0', ... })
 */
export const setToolVersion = defineTransform<SetToolVersionOptions>({
  id: 'set-tool-version',
  describe: (o) => `set the version of ${o.tool} to ${o.version}`,
  apply(sourceFile, { tool, version }) {
    const definition = findToolDefinition(sourceFile, tool);
    if (!definition) return conflict(`No defineTool({ name: '${tool}', ... }) found in ${sourceFile.getBaseName()}.`);
    const property = definition.getProperty('version');
    if (!property) return conflict(`${tool} has no version property.`, "Add version: '1.0.0' to its definition.");
    if (!Node.isPropertyAssignment(property)) {
      return conflict(`The version of ${tool} is a ${property.getKindName()}, not a plain property.`, 'Make it a string literal, or edit it by hand.');
    }
    const initializer = property.getInitializerOrThrow();
    if (!Node.isStringLiteral(initializer) && !Node.isNoSubstitutionTemplateLiteral(initializer)) {
      return conflict(
        `The version of ${tool} is computed (${initializer.getText()}); refusing to overwrite it.`,
        'Make it a string literal, or edit it by hand.',
      );
    }
    if (initializer.getLiteralValue() === version) return unchanged(`${tool} is already at ${version}`);
    initializer.replaceWithText(quoted(version, inferStyle(sourceFile.getFullText())));
    return changed();
  },
});
