import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'delete_city',
  version: '2.0.0',
  description: 'Forget a city.',
  scopes: ['weather:write', 'weather:admin'],
  readOnly: false,
  destructive: true,
  idempotency: 'required',
  input: z.strictObject({
    query: z.string().min(1).max(500).describe('What the tool should work on'),
  }),
  output: z.object({
    result: z.string(),
  }),
  async handler({ query }, ctx) {
    // Report what the call spends, e.g. ctx.cost.llm({ usd: 0.002, model: 'small-model' }) for a
    // model call inside the tool, or ctx.cost.external({ usd: 0.01, vendor: 'maps' }) for a paid API.
    ctx.cost.external({ usd: 0, vendor: 'none' });
    return { result: `delete_city received: ${query}` };
  },
});
