// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import deleteNote from './delete-note.js';
import createNote from './create-note.js';

export const tools = [
    deleteNote,
    createNote,
] satisfies AnyTool[];
