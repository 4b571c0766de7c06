// @ts-nocheck
import { z } from 'zod/v4'
import { defineTool } from '../platform/tool.js'

export default defineTool({ name: 'ping', version: '0.4.0', description: 'Ping.', input: z.strictObject({}), handler: async () => ({ ok: true }) })

export function unused() {
	return 1
}
