// @ts-nocheck
import alpha from './alpha.js';
import zulu from './zulu.js';

export const tools = [alpha, zulu] as const;
