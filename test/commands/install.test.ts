import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TokenView } from '../../src/project/interface.js';
import { clients, type Host } from '../../src/commands/install/clients.js';
import { defaultEnvironment, install, PENDING_TOKEN, type InstallEnvironment, type TokenStore } from '../../src/commands/install/index.js';
import type { InstallOptionsInput } from '../../src/commands/install/options.js';
import { cliErrorOf, copyProject, generateProjectTemplate, type ProjectCopy, type ProjectTemplate } from '../helpers/generated-project.js';
import { snapshotDir, tempDirs } from '../helpers/temp-dirs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-install-');
});
afterAll(() => template?.cleanup());
const temp = tempDirs('mcp-prod-install-home-');
afterEach(() => temp.cleanup());

const NOW = new Date('2026-03-01T10:00:00Z');
const ALL_SCOPES = ['notes:admin', 'notes:read', 'notes:write'];

/** A token store in memory, standing in for the project's SQLite store. */
function fakeStore(root: string) {
  const records: TokenView[] = [];
  const secrets: string[] = [];
  const store: TokenStore = {
    dbPath: path.join(root, 'data', 'mcp.db'),
    list: async () => records.map((record) => ({ ...record })),
    async issue(request) {
      const token = `mcpp_${String(records.length + 1).padStart(30, 'x')}abc${records.length + 1}`;
      const record: TokenView = {
        id: `tok_${records.length + 1}`,
        principalId: request.principal ?? 'default',
        name: request.name ?? 'default',
        scopes: [...request.scopes],
        hint: `mcpp_…${token.slice(-4)}`,
        createdAt: NOW.toISOString(),
        expiresAt: '2026-05-30T10:00:00.000Z',
        revokedAt: null,
        lastUsedAt: null,
        rotatedFrom: null,
        status: 'active',
      };
      records.push(record);
      secrets.push(token);
      return { token, record };
    },
  };
  return { store, records, secrets };
}

interface Setup {
  copy: ProjectCopy;
  home: string;
  environment: InstallEnvironment;
  tokens: ReturnType<typeof fakeStore>;
}

async function setup(): Promise<Setup> {
  const copy = copyProject(template);
  const home = await temp.make();
  const tokens = fakeStore(copy.root);
  const environment: InstallEnvironment = { platform: 'linux', env: {}, home, now: () => NOW, withTokenStore: (_project, work) => work(tokens.store) };
  return { copy, home, environment, tokens };
}

async function run(s: Setup, options: InstallOptionsInput) {
  const lines: string[] = [];
  const warnings: string[] = [];
  const result = await install(s.copy.project, options, { write: (text) => void lines.push(text), warn: (text) => void warnings.push(text) }, s.environment);
  return { result, output: lines.join(''), warnings: warnings.join('') };
}

const backupsOf = (file: string) => readdirSync(path.dirname(file)).filter((entry) => entry.startsWith(`${path.basename(file)}.bak-`));
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;

/** Each client's file with another server and other top-level keys already in it. */
const existingConfigs = {
  'claude-desktop': {
    mcpServers: { weather: { command: 'npx', args: ['-y', 'weather-mcp'], env: { API_KEY: 'weather-secret-123' } } },
    globalShortcut: 'Alt+Space',
  },
  cursor: { mcpServers: { github: { url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer gh-secret-456' } } }, otherSetting: [1, 2, 3] },
  vscode: { inputs: [{ type: 'promptString', id: 'key', password: true }], servers: { fetch: { type: 'stdio', command: 'uvx', args: ['mcp-server-fetch'] } } },
  'claude-code': {
    numStartups: 42,
    projects: { '/somewhere': { allowedTools: [] } },
    mcpServers: { db: { type: 'stdio', command: 'db-mcp', args: [], env: {} } },
  },
} as const;

describe('install', () => {
  it.each(Object.keys(existingConfigs) as (keyof typeof existingConfigs)[])(
    '%s: merges the server in, keeps everything else, backs up the old bytes, and a second run changes nothing',
    async (client) => {
      const s = await setup();
      const file = path.join(s.home, 'config', `${client}.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      const original = `${JSON.stringify(existingConfigs[client], null, 4)}\n`;
      writeFileSync(file, original);

      const first = await run(s, { client, config: file });

      const key = clients[client].serversKey;
      const written = json(file);
      const entry = written[key].template;
      const token = s.tokens.secrets[0]!;
      const stdioEntry = {
        command: process.execPath,
        args: [path.join(s.copy.root, 'dist', 'stdio.js')],
        env: { MCP_PROD_TOKEN: token, MCP_PROD_DB: path.join(s.copy.root, 'data', 'mcp.db') },
      };
      expect(entry).toEqual(client === 'vscode' || client === 'claude-code' ? { type: 'stdio', ...stdioEntry } : stdioEntry);
      // Everything that was there is still there, unchanged.
      for (const [name, value] of Object.entries(existingConfigs[client])) {
        if (name === key) for (const [server, config] of Object.entries(value)) expect(written[key][server]).toEqual(config);
        else expect(written[name]).toEqual(value);
      }
      expect(readFileSync(file, 'utf8')).toMatch(/^\{\n {4}"/);
      const backups = backupsOf(file);
      expect(backups).toEqual([`${client}.json.bak-20260301T100000Z`]);
      expect(readFileSync(path.join(path.dirname(file), backups[0]!), 'utf8')).toBe(original);
      expect(s.tokens.records).toMatchObject([{ scopes: ALL_SCOPES, name: `template in ${clients[client].label}` }]);
      expect(first.result.changed).toBe(true);
      expect(first.output).toContain(`Issued token tok_1 (scopes ${ALL_SCOPES.join(' ')}`);

      const bytes = readFileSync(file);
      const second = await run(s, { client, config: file });
      expect(second.result.changed).toBe(false);
      expect(second.output).toContain('Nothing to do: template is already installed');
      expect(readFileSync(file)).toEqual(bytes);
      expect(backupsOf(file)).toHaveLength(1);
      expect(s.tokens.records).toHaveLength(1);
      // The token goes into the file and nowhere else.
      expect(first.output + first.warnings + second.output + second.warnings).not.toContain(token);
    },
  );

  it('creates a missing file (and its folder) readable by its owner only, with no backup', async () => {
    const s = await setup();
    const file = path.join(s.home, 'new', 'dir', 'mcp.json');
    await run(s, { client: 'cursor', config: file });
    expect(Object.keys(json(file).mcpServers)).toEqual(['template']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(backupsOf(file)).toEqual([]);
  });

  it('uses the client default locations for each operating system', () => {
    const linux: Host = { platform: 'linux', env: {}, home: '/home/ada' };
    const xdg: Host = { platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, home: '/home/ada' };
    const mac: Host = { platform: 'darwin', env: {}, home: '/Users/ada' };
    const windows: Host = { platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, home: 'C:\\Users\\ada' };
    const table = Object.fromEntries(Object.entries(clients).map(([id, client]) => [id, [linux, xdg, mac, windows].map((host) => client.userConfig(host))]));
    expect(table).toEqual({
      'claude-desktop': [
        '/home/ada/.config/Claude/claude_desktop_config.json',
        '/xdg/Claude/claude_desktop_config.json',
        '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json',
        'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
      ],
      cursor: ['/home/ada/.cursor/mcp.json', '/home/ada/.cursor/mcp.json', '/Users/ada/.cursor/mcp.json', 'C:\\Users\\ada\\.cursor\\mcp.json'],
      vscode: [
        '/home/ada/.config/Code/User/mcp.json',
        '/xdg/Code/User/mcp.json',
        '/Users/ada/Library/Application Support/Code/User/mcp.json',
        'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json',
      ],
      'claude-code': ['/home/ada/.claude.json', '/home/ada/.claude.json', '/Users/ada/.claude.json', 'C:\\Users\\ada\\.claude.json'],
    });
    expect(clients['claude-code'].userConfig({ ...linux, env: { CLAUDE_CONFIG_DIR: '/cfg' } })).toBe('/cfg/.claude.json');
  });

  it('writes to the default location when no --config is given, and to the project file with --scope project', async () => {
    const s = await setup();
    await run(s, { client: 'claude-code' });
    expect(json(path.join(s.home, '.claude.json')).mcpServers.template.type).toBe('stdio');

    const project = await run(s, { client: 'claude-code', scope: 'project' });
    expect(json(path.join(s.copy.root, '.mcp.json')).mcpServers.template.command).toBe(process.execPath);
    expect(project.warnings).toContain('.mcp.json now holds a bearer token; keep it out of version control');
  });

  it('--dry-run prints a diff with secrets hidden, writes nothing and issues no token', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    writeFileSync(file, JSON.stringify(existingConfigs.cursor, null, 2));
    const before = await snapshotDir(s.home);

    const { output } = await run(s, { client: 'cursor', config: file, dryRun: true });

    expect(await snapshotDir(s.home)).toEqual(before);
    expect(s.tokens.records).toEqual([]);
    expect(output).toContain(`UPDATE ${file}`);
    expect(output).toContain(`+    "template": {`);
    expect(output).toContain(`"MCP_PROD_TOKEN": "${PENDING_TOKEN}"`);
    expect(output).toContain('NOTE: --dry-run: nothing was written and no token was issued.');
    // The other server's secret is in the diff's context lines, hidden.
    expect(output).not.toContain('gh-secret-456');
    expect(output).toContain('"Authorization": "<hidden …-456>"');

    await run(s, { client: 'cursor', config: file });
    const token = s.tokens.secrets[0]!;
    const again = await run(s, { client: 'cursor', config: file, dryRun: true, name: 'renamed' });
    expect(again.output).not.toContain(token);
    expect(again.output).toContain(`<hidden …${token.slice(-4)}>`);
  });

  it.each([
    ['a trailing comma', '{\n  "mcpServers": {},\n}\n', 'Expected double-quoted property name at line 3, column 1'],
    ['half a file', '{\n  "mcpServers": {\n', 'at line 3, column 1'],
    ['an array', '[1, 2]', 'does not hold a JSON object at the top level'],
  ])('refuses a file with %s (exit 1), leaving it untouched and issuing no token', async (_what, text, message) => {
    const s = await setup();
    const file = path.join(s.home, 'claude_desktop_config.json');
    writeFileSync(file, text);

    const error = await cliErrorOf(() => run(s, { client: 'claude-desktop', config: file }));

    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(file);
    expect(error.message).toContain(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(backupsOf(file)).toEqual([]);
    expect(s.tokens.records).toEqual([]);
  });

  it('refuses servers that are not an object', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    writeFileSync(file, '{ "mcpServers": [] }');
    const error = await cliErrorOf(() => run(s, { client: 'cursor', config: file }));
    expect(error.message).toContain('"mcpServers" in');
    expect(readFileSync(file, 'utf8')).toBe('{ "mcpServers": [] }');
  });

  it('VS Code: a file with comments is refused unless --strip-comments, whose backup keeps the comments', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    const text =
      '{\n  // my servers\n  "servers": {\n    "fetch": { "type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"] }, /* trailing */\n  },\n}\n';
    writeFileSync(file, text);

    const error = await cliErrorOf(() => run(s, { client: 'vscode', config: file }));
    expect(error.message).toContain('has comments or trailing commas (the first at line 2, column 3)');
    expect(error.hint).toContain('--strip-comments');
    expect(readFileSync(file, 'utf8')).toBe(text);

    const { result } = await run(s, { client: 'vscode', config: file, stripComments: true });
    expect(Object.keys(json(file).servers)).toEqual(['fetch', 'template']);
    expect(readFileSync(result.backup!, 'utf8')).toBe(text);
  });

  it('refuses to take over a server of the same name that is not this project, unless --force', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    const text = JSON.stringify({ mcpServers: { template: { command: 'node', args: ['/elsewhere/dist/stdio.js'] } } });
    writeFileSync(file, text);

    const error = await cliErrorOf(() => run(s, { client: 'cursor', config: file }));
    expect(error.message).toContain('already has a server named "template" that is not this project (stdio, node /elsewhere/dist/stdio.js)');
    expect(error.hint).toContain('--name');
    expect(readFileSync(file, 'utf8')).toBe(text);

    await run(s, { client: 'cursor', config: file, force: true });
    expect(json(file).mcpServers.template.args).toEqual([path.join(s.copy.root, 'dist', 'stdio.js')]);
  });

  it('keeps a given --token as is and stays idempotent with it, without touching the store', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    await run(s, { client: 'claude-desktop', config: file, token: 'mcpp_given_token_1234' });
    expect(json(file).mcpServers.template.env.MCP_PROD_TOKEN).toBe('mcpp_given_token_1234');
    const bytes = readFileSync(file, 'utf8');
    const again = await run(s, { client: 'claude-desktop', config: file, token: 'mcpp_given_token_1234' });
    expect(again.result.changed).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    expect(s.tokens.records).toEqual([]);
    await expect(run(s, { client: 'claude-desktop', config: file, token: 'x', scopes: ['notes:read'] })).rejects.toThrow(
      /applies only to a token mcp-prod issues/,
    );
  });

  it('issues a new token when the one in the entry was revoked, when the scopes change, or with --new-token', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    await run(s, { client: 'cursor', config: file });
    s.tokens.records[0]!.status = 'revoked';

    await run(s, { client: 'cursor', config: file });
    expect(json(file).mcpServers.template.env.MCP_PROD_TOKEN).toBe(s.tokens.secrets[1]);

    const narrower = await run(s, { client: 'cursor', config: file, scopes: ['notes:read'] });
    expect(s.tokens.records[2]!.scopes).toEqual(['notes:read']);
    expect(narrower.output).toContain('The token it replaces, tok_2, stays valid until 2026-05-30T10:00:00.000Z; revoke it: mcp-prod token revoke tok_2');

    await run(s, { client: 'cursor', config: file, scopes: ['notes:read'], newToken: true });
    expect(json(file).mcpServers.template.env.MCP_PROD_TOKEN).toBe(s.tokens.secrets[3]);
    expect(backupsOf(file).length).toBeGreaterThanOrEqual(3);
  });

  it('prints a Cursor install link whose config decodes to the entry, with the token left to the environment', async () => {
    const s = await setup();
    const file = path.join(s.home, 'mcp.json');
    const { result, output } = await run(s, { client: 'cursor', config: file });

    const link = new URL(result.deeplink!);
    expect(`${link.protocol}//${link.host}${link.pathname}`).toBe('cursor://anysphere.cursor-deeplink/mcp/install');
    expect(link.searchParams.get('name')).toBe('template');
    const decoded = JSON.parse(Buffer.from(link.searchParams.get('config')!, 'base64').toString('utf8'));
    const entry = json(file).mcpServers.template;
    expect(decoded).toEqual({ ...entry, env: { ...entry.env, MCP_PROD_TOKEN: '${env:MCP_PROD_TOKEN}' } });
    expect(output).toContain(result.deeplink!);
    expect(result.deeplink).not.toContain(Buffer.from(s.tokens.secrets[0]!).toString('base64').slice(0, 20));
  });

  it('http: a URL with an Authorization header; Claude Desktop refuses it', async () => {
    const s = await setup();
    const file = path.join(s.home, 'claude.json');
    await run(s, { client: 'claude-code', config: file, transport: 'http', url: 'http://127.0.0.1:4000/mcp' });
    expect(json(file).mcpServers.template).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:4000/mcp',
      headers: { Authorization: `Bearer ${s.tokens.secrets[0]}` },
    });

    const error = await cliErrorOf(() => run(s, { client: 'claude-desktop', config: path.join(s.home, 'desktop.json'), transport: 'http' }));
    expect(error.message).toContain('Claude Desktop can only start local servers over stdio');
    expect(existsSync(path.join(s.home, 'desktop.json'))).toBe(false);
  });

  it('picks http by default for a project without a stdio entry point', async () => {
    const s = await setup();
    rmSync(path.join(s.copy.root, 'src', 'stdio.ts'));
    const file = path.join(s.home, 'mcp.json');
    await run(s, { client: 'vscode', config: file });
    expect(json(file).servers.template).toMatchObject({ type: 'http', url: 'http://127.0.0.1:3000/mcp' });
  });

  it('keeps the file a symlink and keeps its permissions', async () => {
    const s = await setup();
    const real = path.join(s.home, 'dotfiles', 'mcp.json');
    mkdirSync(path.dirname(real));
    writeFileSync(real, '{}\n', { mode: 0o640 });
    const { symlinkSync, lstatSync } = await import('node:fs');
    const link = path.join(s.home, 'mcp.json');
    symlinkSync(real, link);

    await run(s, { client: 'cursor', config: link });

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(json(real).mcpServers.template).toBeDefined();
    expect(statSync(real).mode & 0o777).toBe(0o640);
  });

  it("issues its token through the project's own src/admin.ts by default", async () => {
    const s = await setup();
    // A stand-in admin module with the interface of the generated one, keeping tokens in a JSON file.
    s.copy.write(
      'src/admin.ts',
      `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const file = new URL('../issued.json', import.meta.url);
const load = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : []);
export function openAdmin() {
  return {
    dbPath: '/store/from/admin.db',
    tokens: {
      async issue(options: { scopes: string[]; name?: string }) {
        const records = load();
        const token = 'mcpp_fromadmin' + String(records.length).padStart(24, '0') + 'zz' + records.length;
        const record = { id: 'tok_a' + records.length, principalId: 'p', name: options.name, scopes: options.scopes, hint: 'mcpp_…' + token.slice(-4), createdAt: '', expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: null, lastUsedAt: null, rotatedFrom: null, status: 'active' };
        writeFileSync(file, JSON.stringify([...records, record]));
        return { token, record };
      },
      async list() { return load(); },
    },
    close: async () => {},
  };
}
`,
    );
    const file = path.join(s.home, 'mcp.json');
    const environment = { ...defaultEnvironment(), home: s.home, now: () => NOW };
    const write = () => {};
    await install(s.copy.project, { client: 'cursor', config: file }, { write, warn: write }, environment);
    expect(json(file).mcpServers.template.env).toEqual({ MCP_PROD_TOKEN: 'mcpp_fromadmin000000000000000000000000zz0', MCP_PROD_DB: '/store/from/admin.db' });
    await install(s.copy.project, { client: 'cursor', config: file }, { write, warn: write }, environment);
    expect(JSON.parse(s.copy.read('issued.json'))).toHaveLength(1);
  });
});
