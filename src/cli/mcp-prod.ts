import path from 'node:path';
import { Argument, Command, Option } from 'commander';
import type { BumpLevel } from '../commands/bump/index.js';
import type { Reporter } from '../commands/check/index.js';
import type { CostGrouping } from '../commands/costs/aggregate.js';
import { CLIENTS, type ClientId } from '../commands/install/clients.js';
import type { TokenOutput } from '../commands/token/index.js';
import { isInteractive } from '../core/env.js';
import { CliError } from '../core/errors.js';
import { ownPackage } from '../core/package-info.js';
import { findProject } from '../core/project.js';
import { runCommand } from './run-command.js';

// Commands are imported when they run: ts-morph alone takes half a second to load, and
// `mcp-prod --version` or `mcp-prod check` should not pay for it.
const LOCKFILE_NAME = 'mcp-tools.lock.json';

// `mcp-prod check | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const cwdOption = () => new Option('-C, --cwd <dir>', 'run as if started in <dir>').default(process.cwd(), 'the current directory');
const jsonOption = () => new Option('--json', 'print JSON only');
const output = (json: boolean | undefined): TokenOutput => ({
  json: Boolean(json),
  write: (text) => process.stdout.write(text),
  warn: (text) => process.stderr.write(text),
});
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const token = new Command('token')
  .description('issue, list, revoke and rotate the bearer tokens in the project store (MCP_PROD_DB)')
  .showHelpAfterError();

token
  .command('issue')
  .description('issue a token; its plaintext is printed once')
  .requiredOption('--scopes <list>', 'comma-separated scopes, e.g. notes:read,notes:write', list)
  .option('--expires <duration>', 'lifetime, e.g. 30d, 12h (default 90d)')
  .option('--name <name>', 'a label for people (default: the principal)')
  .option('--principal <id>', 'who the token acts for (default: the name, else "default")')
  .option('--strict', "refuse scopes none of the project's tools requires (default: warn and issue)")
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((opts: { scopes: string[]; expires?: string; name?: string; principal?: string; strict?: boolean; json?: boolean; cwd: string }) =>
    runCommand(async () =>
      (await import('../commands/token/index.js')).issueTokenCommand(
        findProject(opts.cwd),
        {
          scopes: opts.scopes,
          ...(opts.expires ? { expires: opts.expires } : {}),
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.principal ? { principal: opts.principal } : {}),
          strict: Boolean(opts.strict),
        },
        output(opts.json),
      ),
    ),
  );

token
  .command('list')
  .description('list tokens (never their secrets)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((opts: { json?: boolean; cwd: string }) =>
    runCommand(async () => (await import('../commands/token/index.js')).listTokensCommand(findProject(opts.cwd), output(opts.json))),
  );

token
  .command('revoke')
  .description('revoke a token; the next request carrying it is refused')
  .argument('<id>', 'token id, as shown by `token list`')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, opts: { json?: boolean; cwd: string }) =>
    runCommand(async () => (await import('../commands/token/index.js')).revokeTokenCommand(findProject(opts.cwd), id, output(opts.json))),
  );

token
  .command('rotate')
  .description('issue a successor with the same principal and scopes; the old token lives on for the grace period')
  .argument('<id>', 'token id, as shown by `token list`')
  .option('--grace <duration>', 'how long the old token stays valid, e.g. 1h, 1d (default 1d)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, opts: { grace?: string; json?: boolean; cwd: string }) =>
    runCommand(async () =>
      (await import('../commands/token/index.js')).rotateTokenCommand(findProject(opts.cwd), id, opts.grace ? { grace: opts.grace } : {}, output(opts.json)),
    ),
  );

const reporterOption = () =>
  new Option('--reporter <kind>', 'output format').choices(['text', 'json', 'github']).default('text');
const stdout = (text: string) => process.stdout.write(text);

const lockCommand = new Command('lock')
  .description(`write ${LOCKFILE_NAME} from the current tool contracts`)
  .option('--force', 'record the contracts even if a breaking change was not versioned')
  .addOption(cwdOption())
  .action((opts: { force?: boolean; cwd: string }) =>
    runCommand(async () => {
      const { lock } = await import('../commands/lock/index.js');
      await lock(findProject(opts.cwd), { force: Boolean(opts.force), write: stdout });
    }),
  );

const checkCommand = new Command('check')
  .description(`fail (exit 1) when the tools and ${LOCKFILE_NAME} disagree or a change is not versioned`)
  .addOption(jsonOption())
  .addOption(reporterOption())
  .addOption(cwdOption())
  .action((opts: { json?: boolean; reporter: Reporter; cwd: string }) =>
    runCommand(async () => {
      const { check } = await import('../commands/check/index.js');
      await check(findProject(opts.cwd), { reporter: opts.json ? 'json' : opts.reporter, write: stdout });
    }),
  );

const diffCommand = new Command('diff')
  .description('compare two lockfiles; each side is a path or a git ref whose committed lockfile is used')
  .argument('<old>', 'lockfile path or git ref, e.g. main')
  .argument('<new>', `lockfile path or git ref, e.g. ${LOCKFILE_NAME}`)
  .addOption(jsonOption())
  .addOption(reporterOption())
  .addOption(cwdOption())
  .action((oldSpec: string, newSpec: string, opts: { json?: boolean; reporter: Reporter; cwd: string }) =>
    runCommand(async () => {
      const { diff } = await import('../commands/diff/index.js');
      await diff(oldSpec, newSpec, { cwd: opts.cwd, reporter: opts.json ? 'json' : opts.reporter, write: stdout });
    }),
  );

const dryRunOption = () => new Option('--dry-run', 'print a unified diff of what would change and write nothing');
const interactive = () => isInteractive();

const addToolCommand = new Command('add-tool')
  .description('add a tool module, its test and its registry entry, and record it in the lockfile')
  .argument('[name]', 'tool name (MCP rules: 1-128 of A-Z a-z 0-9 _ - .), e.g. get_weather')
  .option('--scope <scope>', 'a scope callers need, e.g. weather:read (repeat or comma-separate for several)', (value: string, previous: string[] = []) => [...previous, ...list(value)])
  .addOption(new Option('--read-only', 'the tool only reads (default when not prompted)').conflicts(['mutating', 'destructive']))
  .addOption(new Option('--mutating', 'the tool changes data (idempotency keys required)').conflicts(['readOnly', 'destructive']))
  .addOption(new Option('--destructive', 'the tool deletes or overwrites data').conflicts(['readOnly', 'mutating']))
  .option('--description <text>', 'what the tool does, in a sentence a model can act on')
  .addOption(new Option('--idempotency <mode>', 'key handling (default: required for mutating tools, none for read-only)').choices(['required', 'optional', 'none']))
  .option('--version <semver>', 'initial version', '1.0.0')
  .option('-y, --yes', 'accept defaults for anything not given; never prompt')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((name: string | undefined, opts: Record<string, unknown>) =>
    runCommand(async () => {
      const kind = opts.destructive ? 'destructive' : opts.mutating ? 'mutating' : opts.readOnly ? 'read-only' : undefined;
      const { resolveAddToolOptions } = await import('../commands/add-tool/prompts.js');
      const options = await resolveAddToolOptions(
        {
          ...(name ? { name } : {}),
          ...(opts.scope ? { scopes: opts.scope as string[] } : {}),
          ...(kind ? { kind } : {}),
          ...(opts.description ? { description: opts.description as string } : {}),
          ...(opts.idempotency ? { idempotency: opts.idempotency as 'required' | 'optional' | 'none' } : {}),
          version: opts.version as string,
          dryRun: Boolean(opts.dryRun),
          yes: Boolean(opts.yes),
        },
        interactive(),
      );
      const { addTool } = await import('../commands/add-tool/index.js');
      await addTool(findProject(opts.cwd as string), options, { write: stdout });
    }),
  );

const deprecateCommand = new Command('deprecate')
  .description('deprecate a tool in favour of another (phase 1), or --remove it once its removeAfter date has come (phase 3)')
  .argument('<tool>', 'the tool to retire')
  .option('--replacement <tool>', 'the tool callers should move to')
  .option('--since <date>', 'YYYY-MM-DD (UTC) from which the notice shows (default: today)')
  .option('--refuse-after <date>', 'YYYY-MM-DD from which calls are refused (default: since + 30 days)')
  .option('--remove-after <date>', 'YYYY-MM-DD from which the tool may be removed (default: refuse-after + 30 days)')
  .option('--reason <text>', 'one sentence shown with the notice')
  .option('--remove', 'remove the registration, the module and its test, keeping a tombstone in the lockfile')
  .option('--keep-as <path>', 'with --remove: keep the module at this path instead of deleting it')
  .option('--force', 'with --remove: remove before the removeAfter date')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((tool: string, opts: Record<string, string | boolean | undefined>) =>
    runCommand(async () => {
      const project = findProject(opts.cwd as string);
      const { deprecate, removeTool } = await import('../commands/deprecate/index.js');
      if (opts.remove) {
        await removeTool(project, { tool, ...(opts.keepAs ? { keepAs: opts.keepAs as string } : {}), force: Boolean(opts.force), dryRun: Boolean(opts.dryRun) }, { write: stdout });
        return;
      }
      if (!opts.replacement) throw new CliError('Missing --replacement.', { hint: `Name the tool callers should move to: mcp-prod deprecate ${tool} --replacement <tool>` });
      await deprecate(
        project,
        {
          tool,
          replacement: opts.replacement as string,
          ...(opts.since ? { since: opts.since as string } : {}),
          ...(opts.refuseAfter ? { refuseAfter: opts.refuseAfter as string } : {}),
          ...(opts.removeAfter ? { removeAfter: opts.removeAfter as string } : {}),
          ...(opts.reason ? { reason: opts.reason as string } : {}),
          dryRun: Boolean(opts.dryRun),
        },
        { write: stdout },
      );
    }),
  );

const bumpCommand = new Command('bump')
  .description("bump a tool's version (by the level given, or by what its contract change requires) and update the lockfile")
  .argument('[tool]', 'the tool to bump')
  .addArgument(new Argument('[level]', 'major, minor or patch (default: what the change requires)').choices(['major', 'minor', 'patch']))
  .option('--all', 'bump every tool whose contract changed')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((tool: string | undefined, level: BumpLevel | undefined, opts: { all?: boolean; dryRun?: boolean; cwd: string }) =>
    runCommand(async () => {
      const { bump } = await import('../commands/bump/index.js');
      await bump(findProject(opts.cwd), { ...(tool ? { tool } : {}), ...(level ? { level } : {}), all: Boolean(opts.all), dryRun: Boolean(opts.dryRun) }, { write: stdout });
    }),
  );

const costsCommand = new Command('costs')
  .description('roll up what tool calls cost, from the project store (MCP_PROD_DB) or a file of the server\'s log lines')
  .option('--since <when>', 'a number of UTC days (7d) or a date (YYYY-MM-DD)', '7d')
  .addOption(new Option('--by <grouping>', 'group by').choices(['tool', 'user', 'day']).default('tool'))
  .option('--top <n>', 'show only the N most expensive groups', (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--top "${value}" is not a positive whole number.`);
    return n;
  })
  .option('--from-log <file>', 'read the JSON log lines the server wrote (stderr) instead of the store')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((opts: { since: string; by: CostGrouping; top?: number; fromLog?: string; json?: boolean; cwd: string }) =>
    runCommand(async () => {
      const { costs } = await import('../commands/costs/index.js');
      await costs(
        () => findProject(opts.cwd),
        { since: opts.since, by: opts.by, json: Boolean(opts.json), ...(opts.top ? { top: opts.top } : {}), ...(opts.fromLog ? { fromLog: opts.fromLog } : {}) },
        { write: stdout },
      );
    }),
  );

const stderr = (text: string) => process.stderr.write(text);

const installCommand = new Command('install')
  .description("add this server to an MCP client's configuration (a backup of the old file is kept; a second run changes nothing)")
  .addArgument(new Argument('<client>', 'the client whose configuration to edit').choices(CLIENTS))
  .addOption(new Option('--scope <scope>', "user: the client's own file; project: the file inside this project").choices(['user', 'project']).default('user'))
  .option('--config <file>', "edit this file instead of the client's default one")
  .addOption(new Option('--transport <kind>', 'how the client reaches the server (default: stdio when the project has src/stdio.ts)').choices(['stdio', 'http']))
  .option('--url <url>', 'with --transport http: the MCP endpoint', 'http://127.0.0.1:3000/mcp')
  .option('--name <name>', 'the server name in the client (default: the package name without its scope)')
  .option('--scopes <list>', "scopes of the token it issues (default: every scope the project's tools require)", list)
  .option('--token <token>', 'write this token instead of issuing one')
  .option('--new-token', 'issue a new token even if the entry has a valid one')
  .option('--expires <duration>', 'lifetime of an issued token, e.g. 30d (default 90d)')
  .option('--principal <id>', 'who an issued token acts for (default: your user name)')
  .option('--node <path>', 'the node binary the client starts (default: the one running this command)')
  .option('--force', 'replace an entry of the same name that belongs to something else')
  .option('--strip-comments', 'accept a configuration file with comments (VS Code) and write it back without them')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((client: string, opts: Record<string, unknown>) =>
    runCommand(async () => {
      const cwd = opts.cwd as string;
      const { install } = await import('../commands/install/index.js');
      const given = (key: string, value: unknown) => (opts[key] === undefined ? {} : { [key]: value });
      await install(
        findProject(cwd),
        {
          client: client as ClientId,
          scope: opts.scope as 'user' | 'project',
          url: opts.url as string,
          ...given('config', path.resolve(cwd, String(opts.config))),
          ...given('transport', opts.transport),
          ...given('name', opts.name),
          ...given('scopes', opts.scopes),
          ...given('token', opts.token),
          ...given('expires', opts.expires),
          ...given('principal', opts.principal),
          ...given('node', opts.node),
          newToken: Boolean(opts.newToken),
          force: Boolean(opts.force),
          stripComments: Boolean(opts.stripComments),
          dryRun: Boolean(opts.dryRun),
        },
        { write: stdout, warn: stderr },
      );
    }),
  );

const bundleCommand = new Command('bundle')
  .description('build a Claude Desktop MCP Bundle (.mcpb) from dist/ and the production dependencies')
  .option('--out <file>', 'the .mcpb file to write, or a folder for it (default: <name>-<version>.mcpb in the project)')
  .addOption(cwdOption())
  .action((opts: { out?: string; cwd: string }) =>
    runCommand(async () => {
      const { bundle } = await import('../commands/bundle/index.js');
      // path.resolve would drop a trailing slash, which says "a folder, possibly not there yet".
      const out = opts.out && (path.isAbsolute(opts.out) ? opts.out : path.join(opts.cwd, opts.out));
      await bundle(findProject(opts.cwd), out ? { out } : {}, { write: stdout, warn: stderr });
    }),
  );

const program = new Command('mcp-prod')
  .description('Work inside a project generated by create-mcp-prod.')
  .version(ownPackage().version, '-v, --version')
  .enablePositionalOptions()
  .showHelpAfterError()
  .addCommand(addToolCommand)
  .addCommand(deprecateCommand)
  .addCommand(bumpCommand)
  .addCommand(costsCommand)
  .addCommand(lockCommand)
  .addCommand(checkCommand)
  .addCommand(diffCommand)
  .addCommand(installCommand)
  .addCommand(bundleCommand)
  .addCommand(token);

await program.parseAsync(process.argv);
