/**
 * Clients nobody on this project wrote, pointed at a built generated server: the SDK v1 Client
 * (what most deployed MCP clients are built on), the SDK v2 Client, and the MCP Inspector CLI.
 */
import path from 'node:path';
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { repoRoot } from './support.js';

export type Sdk = 'v1' | 'v2';
export type Target = { kind: 'stdio'; cwd: string; env: Record<string, string> } | { kind: 'http'; url: string; token: string };

export interface AnyClient {
  callTool(params: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> }): Promise<Record<string, any>>;
  listTools(): Promise<{ tools: { name: string }[] }>;
  close(): Promise<void>;
}

/** Connects a client of the given SDK generation to a built server (dist/stdio.js, or a running HTTP URL). */
export async function connectSdk(sdk: Sdk, target: Target): Promise<AnyClient> {
  const info = { name: `e2e-${sdk}`, version: '1.0.0' };
  if (target.kind === 'stdio') {
    const spawn = {
      command: process.execPath,
      args: ['dist/stdio.js'],
      cwd: target.cwd,
      env: { ...(process.env as Record<string, string>), ...target.env },
      stderr: 'pipe' as const,
    };
    const client = sdk === 'v1' ? new ClientV1(info) : new ClientV2(info);
    await client.connect(sdk === 'v1' ? new StdioV1(spawn) : new StdioV2(spawn));
    return client as unknown as AnyClient;
  }
  const options = { requestInit: { headers: { authorization: `Bearer ${target.token}` } } };
  if (sdk === 'v1') {
    const client = new ClientV1(info);
    await client.connect(new HttpV1(new URL(target.url), options));
    return client as unknown as AnyClient;
  }
  const client = new ClientV2(info);
  await client.connect(new HttpV2(new URL(target.url), options));
  return client as unknown as AnyClient;
}

const inspectorCli = path.join(repoRoot, 'node_modules', '@modelcontextprotocol', 'inspector-cli', 'build', 'cli.js');

/**
 * Runs `mcp-inspector-cli --cli` against a built server and returns its parsed JSON output.
 * The inspector looks for its own package.json at `../package.json` relative to the working
 * directory, so it runs from the project's dist/ folder.
 */
export async function inspect(projectDir: string, target: Target, args: string[]): Promise<{ exitCode: number; output: any; stderr: string }> {
  const targetArgs =
    target.kind === 'stdio'
      ? [...Object.entries(target.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]), process.execPath, path.join(projectDir, 'dist', 'stdio.js')]
      : [target.url, '--transport', 'http', '--header', `Authorization: Bearer ${target.token}`];
  const result = await execa(process.execPath, [inspectorCli, '--cli', ...targetArgs, ...args], {
    cwd: path.join(projectDir, 'dist'),
    reject: false,
    stdin: 'ignore',
    env: { CI: 'true', NO_COLOR: '1' },
  });
  let output: unknown;
  try {
    output = JSON.parse(result.stdout);
  } catch {
    output = result.stdout;
  }
  return { exitCode: result.exitCode ?? -1, output, stderr: result.stderr };
}
