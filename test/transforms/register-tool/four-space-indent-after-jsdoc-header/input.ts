// @ts-nocheck
/**
 * The tool registry.
 * Keep one tool per line.
 */
import beta from './beta.js';
import alpha from './alpha.js';

export const tools = [
    beta,
    alpha,
];
