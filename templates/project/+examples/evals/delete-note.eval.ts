import { defineEvals } from './harness.js';

export default defineEvals('delete_note', [
  { name: 'reports a missing note with its own error code', arguments: { id: 999999 }, expect: { error: 'note_not_found' } },
]);
