// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';
import searchDocs from './search-docs.js';

export const tools: AnyTool[] = [createNote, searchDocs];
