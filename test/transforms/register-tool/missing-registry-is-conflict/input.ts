// @ts-nocheck
import createNote from './create-note.js';

export const allTools = [createNote];
