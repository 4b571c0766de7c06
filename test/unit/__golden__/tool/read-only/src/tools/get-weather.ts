import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'get_weather',
  version: '1.0.0',
  description: 'Today\'s weather for a city.',
  scopes: ['weather:read'],
  readOnly: true,
  idempotency: 'none',
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
    return { result: `get_weather received: ${query}` };
  },
});
