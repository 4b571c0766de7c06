import { defineEvals } from './harness.js';

// Cases for delete_city: arguments, and what must come back ({ ok: true, structured: {...} } or
// { error: 'code' }). `npm run evals` runs them through the whole pipeline.
export default defineEvals('delete_city', []);
