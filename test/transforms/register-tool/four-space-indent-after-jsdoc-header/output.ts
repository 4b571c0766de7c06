// @ts-nocheck
/**
 * The tool registry.
 * Keep one tool per line.
 */
import beta from './beta.js';
import alpha from './alpha.js';
import searchDocs from './search-docs.js';

export const tools = [
    beta,
    alpha,
    searchDocs,
];
