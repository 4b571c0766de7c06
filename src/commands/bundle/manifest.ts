import type { JsonObject } from '../../core/json-config.js';

export interface ProjectPackageJson {
  name: string;
  version?: string;
  description?: string;
  license?: string;
  keywords?: string[];
  homepage?: string;
  author?: string | { name?: string; email?: string; url?: string };
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

const TOKEN_FIELD = 'token';

/** `Jane Doe <jane@example.com> (https://example.com)` or the object form, as mcpb's author. */
export function authorOf(pkg: ProjectPackageJson, fallback: string): { name: string; email?: string; url?: string } {
  if (typeof pkg.author === 'object' && pkg.author.name) {
    return { name: pkg.author.name, ...(pkg.author.email ? { email: pkg.author.email } : {}), ...(pkg.author.url ? { url: pkg.author.url } : {}) };
  }
  if (typeof pkg.author === 'string' && pkg.author.trim()) {
    const match = /^([^<(]+?)\s*(?:<([^>]+)>)?\s*(?:\(([^)]+)\))?$/.exec(pkg.author.trim());
    if (match) return { name: match[1]!, ...(match[2] ? { email: match[2] } : {}), ...(match[3] ? { url: match[3] } : {}) };
  }
  return { name: fallback };
}

export const unscopedName = (name: string) => name.replace(/^@[^/]+\//, '');

/** Where the bundled server keeps its store: per user, outside the bundle (which updates replace). */
export const bundleDbPath = (pkg: ProjectPackageJson) => `\${HOME}/.mcp-prod/${unscopedName(pkg.name).replace(/[^A-Za-z0-9_.-]/g, '-')}/mcp.db`;

/**
 * The bundle's manifest.json. The token is a `user_config` field the app asks for at install
 * and keeps in its secret store, mapped to MCP_PROD_TOKEN; nothing secret is in the bundle.
 */
export function buildManifest(input: {
  manifestVersion: string;
  pkg: ProjectPackageJson;
  author: { name: string; email?: string; url?: string };
  tools: { name: string; description: string }[];
  scopes: string[];
  platforms: string[] | undefined;
}): JsonObject {
  const { pkg } = input;
  const name = unscopedName(pkg.name);
  const scopeList = input.scopes.length > 0 ? input.scopes.join(',') : '<scopes>';
  return {
    manifest_version: input.manifestVersion,
    name: pkg.name,
    display_name: name,
    version: pkg.version ?? '0.1.0',
    description: pkg.description?.trim() || `${name}: an MCP server made with create-mcp-prod`,
    author: input.author,
    ...(pkg.homepage ? { homepage: pkg.homepage } : {}),
    ...(pkg.license ? { license: pkg.license } : {}),
    ...(pkg.keywords?.length ? { keywords: pkg.keywords } : {}),
    server: {
      type: 'node',
      entry_point: 'dist/stdio.js',
      mcp_config: {
        command: 'node',
        args: ['${__dirname}/dist/stdio.js'],
        env: {
          MCP_PROD_TOKEN: `\${user_config.${TOKEN_FIELD}}`,
          MCP_PROD_DB: bundleDbPath(pkg),
        },
      },
    },
    tools: input.tools,
    tools_generated: false,
    compatibility: {
      ...(input.platforms ? { platforms: input.platforms } : {}),
      runtimes: { node: pkg.engines?.node ?? '>=20.12' },
    },
    user_config: {
      [TOKEN_FIELD]: {
        type: 'string',
        title: 'Access token',
        description: `The mcpp_ token this server accepts, issued into its store (${bundleDbPath(pkg)}) with: npx mcp-prod token issue --scopes ${scopeList}`,
        sensitive: true,
        required: true,
      },
    },
  };
}
