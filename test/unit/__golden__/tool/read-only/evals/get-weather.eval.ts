import { defineEvals } from './harness.js';

// Cases for get_weather: arguments, and what must come back ({ ok: true, structured: {...} } or
// { error: 'code' }). `npm run evals` runs them through the whole pipeline.
export default defineEvals('get_weather', []);
