// @ts-nocheck
import type { AnyTool } from "../platform/tool.js"
import deleteNote from "./delete-note.js"
import { log } from "../log.js"

export const tools: AnyTool[] = [
	deleteNote,
]

log("tools", tools.length)
