// @ts-nocheck
import type { AnyTool } from './types.js';
import alpha from './alpha.js';
import zulu from './zulu.js';

export const tools = [alpha, zulu] satisfies AnyTool[];
