// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import searchDocs from './search-docs.js';

// No tools yet.
export const tools: AnyTool[] = [searchDocs];
