// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import { loadTools } from './load.js';

export const tools: AnyTool[] = loadTools();
