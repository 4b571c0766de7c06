import { z } from 'zod';
import { CLIENTS } from './clients.js';

const SERVER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export const installOptionsSchema = z
  .object({
    client: z.enum(CLIENTS, { error: `choose one of ${CLIENTS.join(', ')}` }),
    /** `user`: the client's own file for every project; `project`: the file inside this project. */
    scope: z.enum(['user', 'project']).default('user'),
    /** An explicit configuration file instead of the client's default location. */
    config: z.string().min(1).optional(),
    transport: z.enum(['stdio', 'http']).optional(),
    url: z.url({ error: 'give the full URL of the MCP endpoint, e.g. http://127.0.0.1:3000/mcp' }).default('http://127.0.0.1:3000/mcp'),
    name: z.string().regex(SERVER_NAME, 'a server name is 1-64 letters, digits, _ . or - (starting with a letter, digit or _)').optional(),
    scopes: z.array(z.string().min(1)).min(1, 'give at least one scope').optional(),
    token: z.string().regex(/^\S+$/, 'a token is one word without spaces').optional(),
    newToken: z.boolean().default(false),
    expires: z.string().min(1).optional(),
    principal: z.string().min(1).optional(),
    /** The node binary the client starts (default: the one running mcp-prod). */
    node: z.string().min(1).optional(),
    force: z.boolean().default(false),
    stripComments: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    const conflict = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (options.token !== undefined) {
      if (options.newToken) conflict('new-token', 'cannot be combined with --token (which token should it be?)');
      if (options.scopes) conflict('scopes', 'applies only to a token mcp-prod issues; leave it out with --token');
      if (options.expires) conflict('expires', 'applies only to a token mcp-prod issues; leave it out with --token');
      if (options.principal) conflict('principal', 'applies only to a token mcp-prod issues; leave it out with --token');
    }
    if (options.scope === 'project' && options.client === 'claude-desktop')
      conflict('scope', 'Claude Desktop has no project configuration file; use --scope user');
    if (options.scope === 'project' && options.config) conflict('scope', 'cannot be combined with --config (which file should it be?)');
  });

export type InstallOptionsInput = z.input<typeof installOptionsSchema>;
export type InstallOptions = z.output<typeof installOptionsSchema>;
