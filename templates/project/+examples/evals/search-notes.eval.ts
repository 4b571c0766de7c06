import { defineEvals } from './harness.js';

export default defineEvals('search_notes', [
  {
    name: 'finds a note by a word of its body',
    setup: [{ tool: 'create_note', arguments: { title: 'Release plan', body: 'ship the eval harness on Friday' } }],
    arguments: { query: 'eval harness' },
    expect: { ok: true, structured: { notes: [{ title: 'Release plan' }] } },
  },
  {
    name: 'finds nothing for an unknown word',
    arguments: { query: 'zebra-crossing-42' },
    expect: { ok: true, structured: { notes: [] } },
  },
  {
    name: 'refuses an empty query with a path the model can fix',
    arguments: { query: '' },
    expect: { error: 'validation_failed' },
  },
]);
