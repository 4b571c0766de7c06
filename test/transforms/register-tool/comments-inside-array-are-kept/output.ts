// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import searchDocs from './search-docs.js';
import tagNote from './tag-note.js';

export const tools: AnyTool[] = [
  // writes
  createNote, // the first tool
  searchDocs,
  /* tags */ tagNote,
];
