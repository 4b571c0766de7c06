// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import deleteNote from './delete-note.js';

export const tools: AnyTool[] = [createNote];

/** Still referenced here, so its import must stay. */
export const dangerous = [deleteNote.name];
