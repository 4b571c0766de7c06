import { Command, Option } from 'commander';
import { check, type Reporter } from '../commands/check/index.js';
import { diff } from '../commands/diff/index.js';
import { lock } from '../commands/lock/index.js';
import { LOCKFILE_NAME } from '../schema-diff/lockfile.js';
import { issueTokenCommand, listTokensCommand, revokeTokenCommand, rotateTokenCommand, type TokenOutput } from '../commands/token/index.js';
import { ownPackage } from '../core/package-info.js';
import { findProject } from '../core/project.js';
import { runCommand } from './run-command.js';

const cwdOption = () => new Option('-C, --cwd <dir>', 'run as if started in <dir>').default(process.cwd(), 'the current directory');
const jsonOption = () => new Option('--json', 'print JSON only');
const output = (json: boolean | undefined): TokenOutput => ({ json: Boolean(json), write: (text) => process.stdout.write(text) });
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
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((opts: { scopes: string[]; expires?: string; name?: string; principal?: string; json?: boolean; cwd: string }) =>
    runCommand(() =>
      issueTokenCommand(
        findProject(opts.cwd),
        { scopes: opts.scopes, ...(opts.expires ? { expires: opts.expires } : {}), ...(opts.name ? { name: opts.name } : {}), ...(opts.principal ? { principal: opts.principal } : {}) },
        output(opts.json),
      ),
    ),
  );

token
  .command('list')
  .description('list tokens (never their secrets)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((opts: { json?: boolean; cwd: string }) => runCommand(() => listTokensCommand(findProject(opts.cwd), output(opts.json))));

token
  .command('revoke')
  .description('revoke a token; the next request carrying it is refused')
  .argument('<id>', 'token id, as shown by `token list`')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, opts: { json?: boolean; cwd: string }) => runCommand(() => revokeTokenCommand(findProject(opts.cwd), id, output(opts.json))));

token
  .command('rotate')
  .description('issue a successor with the same principal and scopes; the old token lives on for the grace period')
  .argument('<id>', 'token id, as shown by `token list`')
  .option('--grace <duration>', 'how long the old token stays valid, e.g. 1h, 1d (default 1d)')
  .addOption(jsonOption())
  .addOption(cwdOption())
  .action((id: string, opts: { grace?: string; json?: boolean; cwd: string }) =>
    runCommand(() => rotateTokenCommand(findProject(opts.cwd), id, opts.grace ? { grace: opts.grace } : {}, output(opts.json))),
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
    runCommand(() => diff(oldSpec, newSpec, { cwd: opts.cwd, reporter: opts.json ? 'json' : opts.reporter, write: stdout })),
  );

const program = new Command('mcp-prod')
  .description('Work inside a project generated by create-mcp-prod.')
  .version(ownPackage().version, '-v, --version')
  .showHelpAfterError()
  .addCommand(lockCommand)
  .addCommand(checkCommand)
  .addCommand(diffCommand)
  .addCommand(token);

await program.parseAsync(process.argv);
