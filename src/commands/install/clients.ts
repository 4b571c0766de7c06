import path from 'node:path';
import type { JsonObject } from '../../core/json-config.js';

export const CLIENTS = ['claude-desktop', 'cursor', 'vscode', 'claude-code'] as const;
export type ClientId = (typeof CLIENTS)[number];
export type Transport = 'stdio' | 'http';

/** Where the CLI runs: the inputs that decide each client's default configuration file. */
export interface Host {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** What to launch or where to connect, independent of any client's file format. */
export type ServerSpec =
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { transport: 'http'; url: string; headers: Record<string, string> };

export interface Client {
  label: string;
  /** The top-level key holding the servers. */
  serversKey: 'mcpServers' | 'servers';
  /** The client reads its file as JSON with comments (VS Code does). */
  jsonc: boolean;
  transports: readonly Transport[];
  userConfig(host: Host): string;
  projectConfig?(projectRoot: string): string;
  entry(spec: ServerSpec): JsonObject;
  /** What the user does for the client to pick the change up. */
  reload: string;
}

const pathsFor = (host: Host) => (host.platform === 'win32' ? path.win32 : path.posix);

/** %APPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere. */
function appConfigDir(host: Host): string {
  const p = pathsFor(host);
  if (host.platform === 'win32') return host.env.APPDATA || p.join(host.home, 'AppData', 'Roaming');
  if (host.platform === 'darwin') return p.join(host.home, 'Library', 'Application Support');
  return host.env.XDG_CONFIG_HOME || p.join(host.home, '.config');
}

const typed = (spec: ServerSpec): JsonObject =>
  spec.transport === 'stdio'
    ? { type: 'stdio', command: spec.command, args: spec.args, env: spec.env }
    : { type: 'http', url: spec.url, headers: spec.headers };

const untyped = (spec: ServerSpec): JsonObject =>
  spec.transport === 'stdio' ? { command: spec.command, args: spec.args, env: spec.env } : { url: spec.url, headers: spec.headers };

export const clients: Record<ClientId, Client> = {
  'claude-desktop': {
    label: 'Claude Desktop',
    serversKey: 'mcpServers',
    jsonc: false,
    // Its configuration file only launches local processes; remote servers are added as connectors in the app.
    transports: ['stdio'],
    userConfig: (host) => pathsFor(host).join(appConfigDir(host), 'Claude', 'claude_desktop_config.json'),
    entry: untyped,
    reload: 'quit Claude Desktop completely and start it again',
  },
  cursor: {
    label: 'Cursor',
    serversKey: 'mcpServers',
    jsonc: false,
    transports: ['stdio', 'http'],
    userConfig: (host) => pathsFor(host).join(host.home, '.cursor', 'mcp.json'),
    projectConfig: (root) => path.join(root, '.cursor', 'mcp.json'),
    entry: untyped,
    reload: 'Cursor picks the change up by itself; check Settings > MCP',
  },
  vscode: {
    label: 'VS Code',
    serversKey: 'servers',
    jsonc: true,
    transports: ['stdio', 'http'],
    userConfig: (host) => pathsFor(host).join(appConfigDir(host), 'Code', 'User', 'mcp.json'),
    projectConfig: (root) => path.join(root, '.vscode', 'mcp.json'),
    entry: typed,
    reload: 'run "MCP: List Servers" in VS Code and start the server',
  },
  'claude-code': {
    label: 'Claude Code',
    serversKey: 'mcpServers',
    jsonc: false,
    transports: ['stdio', 'http'],
    userConfig: (host) => pathsFor(host).join(host.env.CLAUDE_CONFIG_DIR || host.home, '.claude.json'),
    projectConfig: (root) => path.join(root, '.mcp.json'),
    entry: typed,
    reload: 'start a new Claude Code session (`/mcp` lists the server)',
  },
};

/**
 * Cursor's one-click install link. It must not carry the token (links get pasted into chats and
 * tickets): the token is replaced by Cursor's `${env:MCP_PROD_TOKEN}` interpolation.
 */
export function cursorDeeplink(name: string, entry: JsonObject): string {
  const config = Buffer.from(JSON.stringify(entry), 'utf8').toString('base64');
  return `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(name)}&config=${encodeURIComponent(config)}`;
}
