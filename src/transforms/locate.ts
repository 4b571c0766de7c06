/**
 * Finders for the shapes the transforms edit. They return undefined, never throw; the
 * transform decides between a conflict and a change.
 */
import type { ArrayLiteralExpression, ImportDeclaration, ObjectLiteralExpression, SourceFile } from 'ts-morph';
import { Node, SyntaxKind } from '../core/ts-morph.js';

/**
 * The registry array: `export const tools = [...]`, with an optional type annotation,
 * `satisfies` or `as const`.
 * @example findRegistryArray(parse('export const tools: AnyTool[] = [a, b];'))?.getElements().length === 2
 */
export function findRegistryArray(sourceFile: SourceFile): ArrayLiteralExpression | undefined {
  const declaration = sourceFile.getVariableDeclaration('tools');
  if (!declaration?.getVariableStatement()?.isExported()) return undefined;
  let initializer = declaration.getInitializer();
  while (initializer && (Node.isSatisfiesExpression(initializer) || Node.isAsExpression(initializer) || Node.isParenthesizedExpression(initializer))) {
    initializer = initializer.getExpression();
  }
  return initializer && Node.isArrayLiteralExpression(initializer) ? initializer : undefined;
}

/** What the registry's declaration is, when it is not a plain array literal (for conflict messages). */
export function describeRegistry(sourceFile: SourceFile): string {
  const declaration = sourceFile.getVariableDeclaration('tools');
  if (!declaration) return 'there is no `tools` declaration';
  if (!declaration.getVariableStatement()?.isExported()) return '`tools` is not exported';
  return `\`tools\` is built by \`${declaration.getInitializer()?.getText().slice(0, 60) ?? '(nothing)'}\`, not an array literal`;
}

/**
 * The object literal passed to `defineTool(...)` whose `name` is `toolName` (or the only one,
 * when no name is given).
 * @example findToolDefinition(parse("export default defineTool({ name: 'a', version: '1.0.0' })"), 'a')
 */
export function findToolDefinition(sourceFile: SourceFile, toolName?: string): ObjectLiteralExpression | undefined {
  const definitions = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => call.getExpression().getText() === 'defineTool')
    .map((call) => call.getArguments()[0])
    .filter((arg): arg is ObjectLiteralExpression => arg !== undefined && Node.isObjectLiteralExpression(arg));
  if (toolName === undefined) return definitions.length === 1 ? definitions[0] : undefined;
  return definitions.find((definition) => stringProperty(definition, 'name') === toolName);
}

/** The value of a property that is a plain string literal, else undefined. */
function stringProperty(object: ObjectLiteralExpression, name: string): string | undefined {
  const property = object.getProperty(name);
  if (!property || !Node.isPropertyAssignment(property)) return undefined;
  const initializer = property.getInitializer();
  return initializer && Node.isStringLiteral(initializer)
    ? initializer.getLiteralValue()
    : initializer && Node.isNoSubstitutionTemplateLiteral(initializer)
      ? initializer.getLiteralValue()
      : undefined;
}

/** The import declaration of `specifier`, if any. */
export function findImport(sourceFile: SourceFile, specifier: string): ImportDeclaration | undefined {
  return sourceFile.getImportDeclarations().find((declaration) => declaration.getModuleSpecifierValue() === specifier);
}

/** Whether `names` is in ascending order (case-insensitive), the order a sorted list keeps. */
export function isSorted(names: readonly string[]): boolean {
  return names.every((name, i) => i === 0 || names[i - 1]!.localeCompare(name, 'en', { sensitivity: 'base' }) <= 0);
}
