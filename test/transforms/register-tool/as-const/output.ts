// @ts-nocheck
import alpha from './alpha.js';
import searchDocs from './search-docs.js';
import zulu from './zulu.js';

export const tools = [alpha, searchDocs, zulu] as const;
