import { Command, Option } from 'commander';
import { npmRegistryLookup, resolveCliPin } from '../commands/create/cli-pin.js';
import { createProject } from '../commands/create/index.js';
import { createFlagsSchema, resolveCreateOptions, stores, transports } from '../commands/create/options.js';
import { detectPackageManager, packageManagers } from '../commands/create/package-manager.js';
import { clackPrompter } from '../commands/create/prompts.js';
import { isInteractive } from '../core/env.js';
import { parseOptions } from '../core/options.js';
import { ownPackage, packageRoot } from '../core/package-info.js';
import { createUi } from '../core/ui.js';
import { runCommand } from './run-command.js';

const program = new Command('create-mcp-prod')
  .description('Scaffold a production-grade MCP server (TypeScript, official MCP SDK v2, stdio + Streamable HTTP).')
  .version(ownPackage().version, '-v, --version')
  .argument('[directory]', 'where to create the project (must be empty unless --force)')
  .option('--name <package>', 'npm package name (default: the directory name)')
  .addOption(new Option('--transport <kind>', 'transports the server speaks').choices(transports))
  .addOption(new Option('--store <kind>', 'the default store: sqlite (a file, no service) or postgres (DATABASE_URL, for several instances)').choices(stores))
  .option('--no-example', 'leave out the example notes tools')
  .option('--no-install', 'do not install dependencies')
  .option('--no-git', 'do not initialise a git repository')
  .addOption(new Option('--pm <manager>', 'package manager (default: the one that ran this command)').choices(packageManagers))
  .option('--cli-version <spec>', 'npm spec pinned for the create-mcp-prod devDependency (default: this version)')
  .option('--force', 'write into a non-empty directory, overwriting files the template creates')
  .option('-y, --yes', 'accept defaults for everything not given; never prompt')
  .addHelpText('after', '\nExamples:\n  npx create-mcp-prod my-server\n  npx create-mcp-prod my-server --yes --transport http --no-example\n')
  .action((directory: string | undefined, { pm, ...opts }: Record<string, unknown>, command: Command) =>
    runCommand(async () => {
      // Negatable flags (--no-example) always have a value; only one typed on the command line counts.
      const typed = (key: string) => (command.getOptionValueSource(key) === 'cli' ? opts[key] : undefined);
      const flags = parseOptions(
        createFlagsSchema,
        { ...opts, directory, packageManager: pm, example: typed('example'), install: typed('install'), git: typed('git') },
        { directory: 'the directory argument', packageManager: '--pm' },
      );
      const interactive = isInteractive();
      const ui = createUi(interactive);
      if (interactive) ui.intro('create-mcp-prod');
      const own = ownPackage();
      const pin = await resolveCliPin(flags.cliVersion, { ...own, root: packageRoot.replace(/[\\/]$/, '') }, npmRegistryLookup);
      const options = await resolveCreateOptions(
        { ...flags, cliVersion: pin.spec },
        {
          interactive,
          prompter: clackPrompter,
          cwd: process.cwd(),
          defaultPackageManager: detectPackageManager(),
          ownVersion: ownPackage().version,
        },
      );
      if (pin.note) ui.warn(pin.note);
      const result = await createProject(options, ui);
      ui.outro(`Next steps:\n  ${result.nextSteps.join('\n  ')}`);
      if (interactive) {
        const oneShot = [
          'create-mcp-prod',
          options.directory,
          `--name ${options.name}`,
          `--transport ${options.transport}`,
          options.store === 'sqlite' ? '' : `--store ${options.store}`,
          options.example ? '' : '--no-example',
          options.install ? '' : '--no-install',
          '--yes',
        ].filter(Boolean);
        ui.info(`Next time, without prompts: ${oneShot.join(' ')}`);
      }
    }),
  );

await program.parseAsync(process.argv);
