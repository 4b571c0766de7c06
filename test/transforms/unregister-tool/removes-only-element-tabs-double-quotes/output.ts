// @ts-nocheck
import type { AnyTool } from "../platform/tool.js"
import { log } from "../log.js"

export const tools: AnyTool[] = [
]

log("tools", tools.length)
