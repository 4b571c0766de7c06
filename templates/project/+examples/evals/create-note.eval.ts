import { defineEvals } from './harness.js';

export default defineEvals('create_note', [
  { name: 'creates a note and returns its id', arguments: { title: 'Groceries', tags: ['home'] }, expect: { ok: true, text: '"id"' } },
  { name: 'refuses a note without a title', arguments: { title: '' }, expect: { error: 'validation_failed' } },
]);
