// @ts-nocheck
import beta from './beta.js';
import alpha from './alpha.js';

export const tools = [
  beta, // the b tool
  alpha,
  // more to come
];
