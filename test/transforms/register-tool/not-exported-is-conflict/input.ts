// @ts-nocheck
import createNote from './create-note.js';

const tools = [createNote];
export default tools;
