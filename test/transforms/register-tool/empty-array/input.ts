// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';

// No tools yet.
export const tools: AnyTool[] = [];
