// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
// Notes tools
import createNote from './create-note.js';
import deleteNote from './delete-note.js';
import searchNotes from './search-notes.js';

export const tools: AnyTool[] = [
  // writes
  createNote, // creates
  deleteNote,
  /* reads */ searchNotes,
  // end of list
];
