// @ts-nocheck
import beta from './beta.js';
import alpha from './alpha.js';
import searchDocs from './search-docs.js';

export const tools = [
  beta, // the b tool
  alpha,
  searchDocs,
  // more to come
];
