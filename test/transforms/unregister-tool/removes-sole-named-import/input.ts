// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import { searchNotes } from './search-notes.js';

export const tools: AnyTool[] = [createNote, searchNotes];
