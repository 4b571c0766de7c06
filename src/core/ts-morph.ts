/**
 * ts-morph, loaded with require. It is CommonJS, and an ESM `import` of it first runs Node's
 * CommonJS export scanner over its 20,000-line bundle: about a tenth of a whole add-tool run.
 * Types still come from the package itself (`import type ... from 'ts-morph'`).
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const { IndentationText, Node, Project, QuoteKind, SyntaxKind } = tsMorph;
export type IndentationText = TsMorph.IndentationText;
export type Node = TsMorph.Node;
export type Project = TsMorph.Project;
export type SyntaxKind = TsMorph.SyntaxKind;
