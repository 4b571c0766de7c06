// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import { base } from './base.js';
import extra from './extra.js';

export const tools: AnyTool[] = [...base, extra];
