// @ts-nocheck
import beta from './beta.js';
import alpha from './alpha.js';
import searchDocs from './search-docs.js';

export const tools = [
  // reads
  beta, // the b tool
  /* the a tool */ alpha,
  searchDocs,
];
