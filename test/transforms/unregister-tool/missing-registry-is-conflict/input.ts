// @ts-nocheck
import deleteNote from './delete-note.js';

export const registry = [deleteNote];
