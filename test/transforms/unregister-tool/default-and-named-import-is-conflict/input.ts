// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import deleteNote, { DELETE_SCOPE } from './delete-note.js';

export const tools: AnyTool[] = [createNote, deleteNote];
export const scopes = [DELETE_SCOPE];
