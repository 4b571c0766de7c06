import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { backupFile, replaceFileAtomically } from '../../core/atomic-file.js';
import { CliError } from '../../core/errors.js';
import {
  isJsonObject,
  jsonEqual,
  parseJsonConfig,
  redactSecrets,
  secretValues,
  serializeJsonConfig,
  type JsonDocument,
  type JsonObject,
} from '../../core/json-config.js';
import type { Project } from '../../core/project.js';
import { withProjectAdmin } from '../../project/admin.js';
import { issuedTokenSchema, tokenViewSchema, validateFromProject, type TokenView } from '../../project/interface.js';
import { projectScopes } from '../../project/scopes.js';
import { z } from 'zod';
import { clients, cursorDeeplink, type Client, type Host, type ServerSpec, type Transport } from './clients.js';
import { installOptionsSchema, type InstallOptions, type InstallOptionsInput } from './options.js';

/** The part of the project's token store install uses. */
export interface TokenStore {
  dbPath: string;
  list(): Promise<TokenView[]>;
  issue(options: { scopes: string[]; expires?: string; name?: string; principal?: string }): Promise<{ token: string; record: TokenView }>;
}

export interface InstallEnvironment extends Host {
  now(): Date;
  /** Opens the project's store for `work` (the project's src/admin.ts by default). */
  withTokenStore<T>(project: Project, work: (store: TokenStore) => Promise<T>): Promise<T>;
}

export function defaultEnvironment(): InstallEnvironment {
  return {
    platform: process.platform,
    env: process.env,
    home: os.homedir(),
    now: () => new Date(),
    withTokenStore: (project, work) =>
      withProjectAdmin(project, (admin) =>
        work({
          dbPath: admin.dbPath,
          list: async () => validateFromProject(z.array(tokenViewSchema), await admin.tokens.list(), 'src/admin.ts tokens.list()'),
          issue: async (request) => validateFromProject(issuedTokenSchema, await admin.tokens.issue(request), 'src/admin.ts tokens.issue()'),
        }),
      ),
  };
}

export interface InstallOutput {
  write(text: string): void;
  warn(text: string): void;
}

export interface InstallResult {
  file: string;
  changed: boolean;
  backup: string | undefined;
  entry: JsonObject;
  /** The id of the token the entry carries, when the store was consulted. */
  tokenId: string | undefined;
  deeplink: string | undefined;
}

/** Stands in for a token a real run would issue; a dry run issues nothing. */
export const PENDING_TOKEN = '<new token: issued when run without --dry-run>';

/** The store file the project's configuration names, resolved as the project resolves it (from its root). */
function configuredDbPath(project: Project, env: NodeJS.ProcessEnv): string {
  let value = env.MCP_PROD_DB;
  const dotenv = path.join(project.root, '.env');
  if (!value && existsSync(dotenv)) value = parseEnv(readFileSync(dotenv, 'utf8')).MCP_PROD_DB;
  return path.resolve(project.root, value || 'data/mcp.db');
}

function tokenInEntry(entry: unknown): string | undefined {
  if (!isJsonObject(entry)) return undefined;
  if (isJsonObject(entry.env) && typeof entry.env.MCP_PROD_TOKEN === 'string') return entry.env.MCP_PROD_TOKEN;
  if (isJsonObject(entry.headers) && typeof entry.headers.Authorization === 'string') return /^Bearer\s+(\S+)$/i.exec(entry.headers.Authorization)?.[1];
  return undefined;
}

/** Whether an existing entry runs or reaches this project (so replacing it is an update, not a takeover). */
function entryBelongsTo(entry: unknown, project: Project, url: string): boolean {
  if (!isJsonObject(entry)) return false;
  const inside = (value: unknown) => typeof value === 'string' && (value === project.root || value.startsWith(project.root + path.sep));
  const args = Array.isArray(entry.args) ? entry.args : [];
  return args.some(inside) || (isJsonObject(entry.env) && inside(entry.env.MCP_PROD_DB)) || entry.url === url;
}

/** Who runs the command (the person whose client this is); containers may have no user entry. */
function userName(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

const sameScopes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((scope) => b.includes(scope));

function describeEntry(entry: JsonObject): string {
  if (typeof entry.url === 'string') return `http, ${entry.url}`;
  return `stdio, ${[entry.command, ...(Array.isArray(entry.args) ? entry.args : [])].join(' ')}`;
}

function chooseTransport(project: Project, client: Client, options: InstallOptions): Transport {
  const has = (transport: Transport) => existsSync(path.join(project.root, 'src', `${transport}.ts`));
  const transport = options.transport ?? (has('stdio') ? 'stdio' : 'http');
  if (!client.transports.includes(transport)) {
    throw new CliError(`${client.label} can only start local servers over stdio; its configuration file has no place for a URL.`, {
      hint: has('stdio')
        ? 'Leave out --transport http: the entry will start dist/stdio.js.'
        : 'Add the URL in the app instead (Settings > Connectors), or use a client that takes URLs (cursor, vscode, claude-code).',
    });
  }
  if (!has(transport)) {
    throw new CliError(`This project has no ${transport} entry point (src/${transport}.ts).`, {
      hint: `Use --transport ${transport === 'stdio' ? 'http' : 'stdio'}, which the project serves.`,
    });
  }
  return transport;
}

/**
 * `mcp-prod install <client>`: adds this server to an MCP client's configuration file (or
 * updates the entry it added before), keeping every other server and setting, with a backup of
 * the previous file and one atomic write.
 *
 * Tokens: `--token` is written as given. Otherwise the token already in this server's entry is
 * kept while the store still has it active with the same scopes, so a second run changes
 * nothing; only when there is none (or `--new-token`, or the scopes changed) is one issued.
 */
export async function install(
  project: Project,
  input: InstallOptionsInput,
  out: InstallOutput,
  environment: InstallEnvironment = defaultEnvironment(),
): Promise<InstallResult> {
  const options = installOptionsSchema.parse(input);
  const client = clients[options.client];
  const file = options.config
    ? path.resolve(options.config)
    : options.scope === 'project'
      ? client.projectConfig!(project.root)
      : client.userConfig(environment);
  const transport = chooseTransport(project, client, options);
  const name = options.name ?? project.name.replace(/^@[^/]+\//, '');

  // 1. Read and check everything that can refuse before a token is issued.
  const existed = existsSync(file);
  const before = existed ? readFileSync(file, 'utf8') : undefined;
  const document: JsonDocument = parseJsonConfig(before ?? '', { file, jsonc: client.jsonc, dropComments: options.stripComments });
  const servers = document.value[client.serversKey] ?? {};
  if (!isJsonObject(servers)) {
    throw new CliError(`"${client.serversKey}" in ${file} is not an object, so it cannot hold servers.`, {
      hint: 'Fix the file by hand and run the command again; it was left untouched.',
    });
  }
  const existing = servers[name];
  const ours = existing !== undefined && entryBelongsTo(existing, project, options.url);
  if (existing !== undefined && !ours && !options.force) {
    throw new CliError(
      `${file} already has a server named "${name}" that is not this project (${isJsonObject(existing) ? describeEntry(existing) : 'not an object'}).`,
      {
        hint: 'Choose another name with --name, or pass --force to replace that entry.',
      },
    );
  }
  const scopes = options.token === undefined ? (options.scopes ?? (await defaultScopes(project))) : [];

  // 2. The token: given, kept, or issued (never in a dry run).
  const previousToken = ours && !options.newToken ? tokenInEntry(existing) : undefined;
  let token: string;
  let tokenRecord: TokenView | undefined;
  let replaced: TokenView | undefined;
  let dbPath = configuredDbPath(project, environment.env);
  if (options.token !== undefined) token = options.token;
  else if (options.dryRun) token = previousToken ?? PENDING_TOKEN;
  else {
    ({ token, tokenRecord, replaced, dbPath } = await environment.withTokenStore(project, async (store) => {
      const records = await store.list();
      const current = previousToken ? records.find((record) => record.status === 'active' && record.hint.endsWith(previousToken.slice(-4))) : undefined;
      if (previousToken && current && sameScopes(current.scopes, scopes))
        return { token: previousToken, tokenRecord: current, replaced: undefined, dbPath: store.dbPath };
      const issued = await store.issue({
        scopes,
        name: `${name} in ${client.label}`,
        principal: options.principal ?? userName(),
        ...(options.expires ? { expires: options.expires } : {}),
      });
      return { token: issued.token, tokenRecord: issued.record, replaced: current, dbPath: store.dbPath };
    }));
  }

  // 3. The new file, in the old one's layout.
  const spec: ServerSpec =
    transport === 'stdio'
      ? {
          transport,
          command: options.node ?? process.execPath,
          args: [path.join(project.root, 'dist', 'stdio.js')],
          env: { MCP_PROD_TOKEN: token, MCP_PROD_DB: dbPath },
        }
      : { transport, url: options.url, headers: { Authorization: `Bearer ${token}` } };
  const entry = client.entry(spec);
  const deeplink = options.client === 'cursor' ? cursorDeeplink(name, client.entry(withoutToken(spec))) : undefined;
  const nextServers = { ...servers, [name]: entry };
  const after = serializeJsonConfig({ ...document, value: { ...document.value, [client.serversKey]: nextServers } });
  const unchanged = existing !== undefined && jsonEqual(existing, entry);
  const result = { file, entry, tokenId: tokenRecord?.id, deeplink, backup: undefined as string | undefined };

  if (unchanged) {
    out.write(
      `Nothing to do: ${name} is already installed in ${file} (${describeEntry(entry)}${tokenRecord ? `; token ${tokenRecord.id} expires ${tokenRecord.expiresAt}` : ''}).\n`,
    );
    printDeeplink(out, deeplink);
    return { ...result, changed: false };
  }

  if (options.dryRun) {
    const secrets = new Set([...secretValues(document.value), ...secretValues(entry)].filter((value) => !value.includes(PENDING_TOKEN)));
    out.write(`${existed ? 'UPDATE' : 'CREATE'} ${file}\n\n`);
    out.write(
      redactSecrets(createTwoFilesPatch(existed ? file : '/dev/null', file, before ?? '', after, '', '', { context: 3 }).replace(/^=+\n/, ''), secrets),
    );
    out.write(`\nNOTE: --dry-run: nothing was written and no token was issued.\n`);
    if (token === PENDING_TOKEN) out.write(`A real run issues a token with the scopes ${scopes.join(' ')}.\n`);
    else if (token === previousToken)
      out.write('A real run keeps the token already in the entry if the store still has it active with the same scopes, and issues a new one otherwise.\n');
    printDeeplink(out, deeplink);
    return { ...result, changed: true };
  }

  // 4. One write, after a backup of what was there.
  try {
    if (existed) result.backup = await backupFile(file, environment.now());
    await replaceFileAtomically(file, after);
  } catch (error) {
    const orphan =
      tokenRecord && token !== previousToken ? ` Token ${tokenRecord.id} was issued for it; revoke it: mcp-prod token revoke ${tokenRecord.id}` : '';
    throw new CliError(`Could not write ${file}: ${(error as Error).message}.${orphan}`, {
      hint: 'Check the permissions of the file and its folder, then run the command again.',
      cause: error,
    });
  }

  out.write(`${existed ? 'UPDATE' : 'CREATE'} ${file}\n`);
  if (result.backup) out.write(`Backup of the previous file: ${result.backup}\n`);
  out.write(`Installed ${name} in ${client.label}: ${describeEntry(entry)}${spec.transport === 'stdio' ? ` (store ${dbPath})` : ''}.\n`);
  if (tokenRecord && token !== previousToken) {
    out.write(
      `Issued token ${tokenRecord.id} (scopes ${tokenRecord.scopes.join(' ')}, expires ${tokenRecord.expiresAt}); it is in that file and nowhere else.\n`,
    );
  } else if (tokenRecord) {
    out.write(`Kept token ${tokenRecord.id} (expires ${tokenRecord.expiresAt}).\n`);
  }
  if (replaced) out.write(`The token it replaces, ${replaced.id}, stays valid until ${replaced.expiresAt}; revoke it: mcp-prod token revoke ${replaced.id}\n`);
  warnAboutSetup(project, options, spec, file, out);
  out.write(`Next: ${client.reload}.\n`);
  printDeeplink(out, deeplink);
  return { ...result, changed: true };
}

async function defaultScopes(project: Project): Promise<string[]> {
  const { scopes, source } = await projectScopes(project);
  if (scopes.length === 0) {
    throw new CliError(`The project's tools require no scopes (according to ${source}), so there is nothing to put in a token.`, {
      hint: 'Pass --scopes <a,b>, or --token <token> to use one you have.',
    });
  }
  return scopes;
}

function withoutToken(spec: ServerSpec): ServerSpec {
  return spec.transport === 'stdio'
    ? { ...spec, env: { ...spec.env, MCP_PROD_TOKEN: '${env:MCP_PROD_TOKEN}' } }
    : { ...spec, headers: { ...spec.headers, Authorization: 'Bearer ${env:MCP_PROD_TOKEN}' } };
}

function printDeeplink(out: InstallOutput, deeplink: string | undefined): void {
  if (!deeplink) return;
  out.write(`\nCursor install link (it carries no token: Cursor takes MCP_PROD_TOKEN from its environment):\n${deeplink}\n`);
}

function warnAboutSetup(project: Project, options: InstallOptions, spec: ServerSpec, file: string, out: InstallOutput): void {
  if (spec.transport === 'stdio' && !existsSync(spec.args[0]!)) {
    out.warn(`warning: ${spec.args[0]} does not exist yet; run \`npm run build\` in ${project.root} before starting the client.\n`);
  }
  if (spec.transport === 'http') out.warn(`note: the client connects to ${spec.url}; start the server there with \`npm run start:http\`.\n`);
  if (options.scope === 'project') {
    out.warn(`warning: ${path.relative(project.root, file)} now holds a bearer token; keep it out of version control (add it to .gitignore).\n`);
  }
}
