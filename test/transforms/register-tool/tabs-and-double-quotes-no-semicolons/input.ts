// @ts-nocheck
import type { AnyTool } from "../platform/tool.js"
import createNote from "./create-note.js"
import tagNote from "./tag-note.js"

export const tools: AnyTool[] = [
	createNote,
	tagNote
]

export function count() {
	return tools.length
}
