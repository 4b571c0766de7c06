// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
// Notes tools
import createNote from './create-note.js';
import searchNotes from './search-notes.js';

export const tools: AnyTool[] = [
  // writes
  createNote, // creates
  /* reads */ searchNotes,
  // end of list
];
