import { Argument, Command, Option } from 'commander';
import { bumpLevels } from '../commands/bump/levels.js';
import { costGroupings } from '../commands/costs/groupings.js';
import { CLIENTS } from '../commands/install/clients.js';
import { isInteractive } from '../core/env.js';
import { parseOptions } from '../core/options.js';
import { ownPackage } from '../core/package-info.js';
import { findProject } from '../core/project.js';
import { LOCKFILE_FILE } from '../project/paths.js';
import { runCommand } from './run-command.js';

// Commands (and their option schemas' dependencies) are imported when they run: ts-morph alone
// takes half a second to load, and `mcp-prod --version` or `mcp-prod check` should not pay for it.
// Each action only collects what commander parsed, has the command's zod schema parse it, and
// calls the command function; the schema decides what is valid.

// `mcp-prod check | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

type Flags = Record<string, unknown> & { cwd: string };

const cwdOption = () => new Option('-C, --cwd <dir>', 'run as if started in <dir>').default(process.cwd(), 'the current directory');
const jsonOption = () => new Option('--json', 'print JSON only');
const dryRunOption = () => new Option('--dry-run', 'print a unified diff of what would change and write nothing');
const reporterOption = () => new Option('--reporter <kind>', 'output format').choices(['text', 'json', 'github']).default('text');
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];
const stdout = (text: string) => process.stdout.write(text);
const stderr = (text: string) => process.stderr.write(text);
const tokenOutput = (flags: Flags) => ({ json: Boolean(flags.json), write: stdout, warn: stderr });
const reporterOf = (flags: Flags) => (flags.json ? 'json' : flags.reporter);
const tokenCommands = () => import('../commands/token/index.js');

const token = new Command('token').description('issue, list, revoke and rotate the bearer tokens in the project store (MCP_PROD_DB)').showHelpAfterError();

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
  .action((flags: Flags) =>
    runCommand(async () => {
      const { issueTokenCommand, issueTokenOptionsSchema } = await tokenCommands();
      await issueTokenCommand(findProject(flags.cwd), parseOptions(issueTokenOptionsSchema, flags), tokenOutput(flags));
    }),
  );

token
  .command('list')
  .description('list tokens (never their secrets)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((flags: Flags) => runCommand(async () => (await tokenCommands()).listTokensCommand(findProject(flags.cwd), tokenOutput(flags))));

token
  .command('revoke')
  .description('revoke a token; the next request carrying it is refused')
  .argument('<id>', 'token id, as shown by `token list`')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, flags: Flags) => runCommand(async () => (await tokenCommands()).revokeTokenCommand(findProject(flags.cwd), id, tokenOutput(flags))));

token
  .command('rotate')
  .description('issue a successor with the same principal and scopes; the old token lives on for the grace period')
  .argument('<id>', 'token id, as shown by `token list`')
  .option('--grace <duration>', 'how long the old token stays valid, e.g. 1h, 1d (default 1d)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, flags: Flags) =>
    runCommand(async () => {
      const { rotateTokenCommand, rotateTokenOptionsSchema } = await tokenCommands();
      await rotateTokenCommand(findProject(flags.cwd), id, parseOptions(rotateTokenOptionsSchema, flags), tokenOutput(flags));
    }),
  );

const lockCommand = new Command('lock')
  .description(`write ${LOCKFILE_FILE} from the current tool contracts`)
  .option('--force', 'record the contracts even if a breaking change was not versioned')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((flags: Flags) =>
    runCommand(async () => {
      const [{ lock }, { lockOptionsSchema }] = await Promise.all([import('../commands/lock/index.js'), import('../commands/lock/options.js')]);
      await lock(findProject(flags.cwd), { ...parseOptions(lockOptionsSchema, flags), write: stdout });
    }),
  );

const checkCommand = new Command('check')
  .description(`fail (exit 1) when the tools and ${LOCKFILE_FILE} disagree or a change is not versioned`)
  .addOption(jsonOption())
  .addOption(reporterOption())
  .addOption(cwdOption())
  .action((flags: Flags) =>
    runCommand(async () => {
      const [{ check }, { checkOptionsSchema }] = await Promise.all([import('../commands/check/index.js'), import('../commands/check/options.js')]);
      await check(findProject(flags.cwd), { ...parseOptions(checkOptionsSchema, { reporter: reporterOf(flags) }), write: stdout });
    }),
  );

const diffCommand = new Command('diff')
  .description('compare two lockfiles; each side is a path or a git ref whose committed lockfile is used')
  .argument('<old>', 'lockfile path or git ref, e.g. main')
  .argument('<new>', `lockfile path or git ref, e.g. ${LOCKFILE_FILE}`)
  .addOption(jsonOption())
  .addOption(reporterOption())
  .addOption(cwdOption())
  .action((older: string, newer: string, flags: Flags) =>
    runCommand(async () => {
      const [{ diff }, { diffOptionsSchema }] = await Promise.all([import('../commands/diff/index.js'), import('../commands/diff/options.js')]);
      await diff({ ...parseOptions(diffOptionsSchema, { old: older, new: newer, cwd: flags.cwd, reporter: reporterOf(flags) }), write: stdout });
    }),
  );

const addToolCommand = new Command('add-tool')
  .description('add a tool module, its test and its registry entry, and record it in the lockfile')
  .argument('[name]', 'tool name (MCP rules: 1-128 of A-Z a-z 0-9 _ - .), e.g. get_weather')
  .option('--scope <scope>', 'a scope callers need, e.g. weather:read (repeat or comma-separate for several)', list)
  .addOption(new Option('--read-only', 'the tool only reads (default when not prompted)').conflicts(['mutating', 'destructive']))
  .addOption(new Option('--mutating', 'the tool changes data (idempotency keys required)').conflicts(['readOnly', 'destructive']))
  .addOption(new Option('--destructive', 'the tool deletes or overwrites data').conflicts(['readOnly', 'mutating']))
  .option('--description <text>', 'what the tool does, in a sentence a model can act on')
  .addOption(
    new Option('--idempotency <mode>', 'key handling (default: required for mutating tools, none for read-only)').choices(['required', 'optional', 'none']),
  )
  .option('--version <semver>', 'initial version', '1.0.0')
  .option('-y, --yes', 'accept defaults for anything not given; never prompt')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((name: string | undefined, { scope, cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ addTool }, { resolveAddToolOptions }] = await Promise.all([import('../commands/add-tool/index.js'), import('../commands/add-tool/prompts.js')]);
      const options = await resolveAddToolOptions({ ...flags, name, scopes: scope }, isInteractive());
      await addTool(findProject(cwd), options, { write: stdout });
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
  .option('--keep-as <path>', 'with --remove: keep the module at this path (inside the project) instead of deleting it')
  .option('--force', 'with --remove: remove before the removeAfter date')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((tool: string, { remove, cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ deprecate, removeTool }, schemas] = await Promise.all([import('../commands/deprecate/index.js'), import('../commands/deprecate/options.js')]);
      const project = findProject(cwd);
      if (remove) await removeTool(project, parseOptions(schemas.removeOptionsSchema, { ...flags, tool }), { write: stdout });
      else await deprecate(project, parseOptions(schemas.deprecateOptionsSchema, { ...flags, tool }, { tool: 'the tool argument' }), { write: stdout });
    }),
  );

const bumpCommand = new Command('bump')
  .description("bump a tool's version (by the level given, or by what its contract change requires) and update the lockfile")
  .argument('[tool]', 'the tool to bump')
  .addArgument(new Argument('[level]', 'major, minor or patch (default: what the change requires)').choices(bumpLevels))
  .option('--all', 'bump every tool whose contract changed')
  .addOption(dryRunOption())
  .addOption(cwdOption())
  .action((tool: string | undefined, level: string | undefined, { cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ bump }, { bumpOptionsSchema }] = await Promise.all([import('../commands/bump/index.js'), import('../commands/bump/options.js')]);
      await bump(findProject(cwd), parseOptions(bumpOptionsSchema, { ...flags, tool, level }, { tool: 'the tool argument', level: 'the level argument' }), {
        write: stdout,
      });
    }),
  );

const costsCommand = new Command('costs')
  .description("roll up what tool calls cost, from the project store (MCP_PROD_DB) or a file of the server's log lines")
  .option('--since <when>', 'a number of UTC days (7d) or a date (YYYY-MM-DD)', '7d')
  .addOption(new Option('--by <grouping>', 'group by').choices(costGroupings).default('tool'))
  .option('--top <n>', 'show only the N most expensive groups')
  .option('--from-log <file>', 'read the JSON log lines the server wrote (stderr) instead of the store')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action(({ cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ costs }, { costsOptionsSchema }] = await Promise.all([import('../commands/costs/index.js'), import('../commands/costs/options.js')]);
      await costs(() => findProject(cwd), parseOptions(costsOptionsSchema, flags), { write: stdout, warn: stderr });
    }),
  );

const dashboardCommand = new Command('dashboard')
  .description("serve a read-only web page of costs, errors, latency, budgets and deprecated tools' callers, from the project store")
  .option('--port <n>', 'port to listen on; 0 picks a free one', '4380')
  .option('--host <address>', 'address to listen on; beyond loopback the data needs a token with the mcp-prod:admin scope', '127.0.0.1')
  .addOption(cwdOption())
  .action(({ cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ runDashboard }, { dashboardOptionsSchema }] = await Promise.all([
        import('../commands/dashboard/index.js'),
        import('../commands/dashboard/options.js'),
      ]);
      await runDashboard(findProject(cwd), parseOptions(dashboardOptionsSchema, flags), { write: stdout });
    }),
  );

const installCommand = new Command('install')
  .description("add this server to an MCP client's configuration (a backup of the old file is kept; a second run changes nothing)")
  .addArgument(new Argument('<client>', 'the client whose configuration to edit').choices(CLIENTS))
  .addOption(new Option('--scope <scope>', "user: the client's own file; project: the file inside this project").choices(['user', 'project']).default('user'))
  .option('--config <file>', "edit this file instead of the client's default one")
  .addOption(
    new Option('--transport <kind>', 'how the client reaches the server (default: stdio when the project has src/stdio.ts)').choices(['stdio', 'http']),
  )
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
  .action((client: string, { cwd, ...flags }: Flags) =>
    runCommand(async () => {
      const [{ install }, { installOptionsSchema }] = await Promise.all([import('../commands/install/index.js'), import('../commands/install/options.js')]);
      const { resolvePath } = await import('../core/paths.js');
      const options = parseOptions(installOptionsSchema, { ...flags, client, config: resolvePath(cwd, flags.config) });
      await install(findProject(cwd), options, { write: stdout, warn: stderr });
    }),
  );

const bundleCommand = new Command('bundle')
  .description('build a Claude Desktop MCP Bundle (.mcpb) from dist/ and the production dependencies')
  .option('--out <file>', 'the .mcpb file to write, or a folder for it (default: <name>-<version>.mcpb in the project)')
  .addOption(cwdOption())
  .action(({ cwd, out }: Flags) =>
    runCommand(async () => {
      const [{ bundle }, { bundleOptionsSchema }] = await Promise.all([import('../commands/bundle/index.js'), import('../commands/bundle/options.js')]);
      const { joinPath } = await import('../core/paths.js');
      await bundle(findProject(cwd), parseOptions(bundleOptionsSchema, { out: joinPath(cwd, out) }), { write: stdout, warn: stderr });
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
  .addCommand(dashboardCommand)
  .addCommand(lockCommand)
  .addCommand(checkCommand)
  .addCommand(diffCommand)
  .addCommand(installCommand)
  .addCommand(bundleCommand)
  .addCommand(token);

await program.parseAsync(process.argv);
