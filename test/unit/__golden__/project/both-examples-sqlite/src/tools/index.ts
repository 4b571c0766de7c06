import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import deleteNote from './delete-note.js';
import searchNotes from './search-notes.js';

/** The registry: every tool the server exposes, listed once. `mcp-prod add-tool` edits this array. */
export const tools: AnyTool[] = [createNote, deleteNote, searchNotes];
