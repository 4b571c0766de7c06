// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import * as deleteNote from './delete-note.js';

export const tools: AnyTool[] = [createNote, deleteNote.default];
