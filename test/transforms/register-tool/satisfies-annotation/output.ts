// @ts-nocheck
import type { AnyTool } from './types.js';
import alpha from './alpha.js';
import searchDocs from './search-docs.js';
import zulu from './zulu.js';

export const tools = [alpha, searchDocs, zulu] satisfies AnyTool[];
