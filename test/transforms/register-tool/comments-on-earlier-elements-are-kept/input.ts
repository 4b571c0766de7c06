// @ts-nocheck
import beta from './beta.js';
import alpha from './alpha.js';

export const tools = [
  // reads
  beta, // the b tool
  /* the a tool */ alpha,
];
