// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import createNote from './create-note.js';

export const tools: AnyTool[] = [createNote];
