// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import zulu from './zulu.js';
import alpha from './alpha.js';
import searchDocs from './search-docs.js';

export const tools: AnyTool[] = [
    zulu,
    alpha,
    searchDocs,
];

export function names(): string[] {
    return tools.map((tool) => tool.name);
}
