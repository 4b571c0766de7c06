import path from 'node:path';
import { z } from 'zod';
import { CliError } from '../../core/errors.js';
import { packageNameProblems, toPackageName } from '../../core/package-name.js';
import { packageManagers, type PackageManager } from './package-manager.js';

export const transports = ['stdio', 'http', 'both'] as const;
export type Transport = (typeof transports)[number];

export const stores = ['sqlite', 'postgres'] as const;

export const createOptionsSchema = z.object({
  directory: z.string().min(1),
  name: z.string().superRefine((name, ctx) => {
    const problems = packageNameProblems(name);
    if (problems.length > 0) ctx.addIssue({ code: 'custom', message: `"${name}" is not a valid npm package name: ${problems.join('; ')}` });
  }),
  transport: z.enum(transports),
  store: z.enum(stores),
  example: z.boolean(),
  install: z.boolean(),
  git: z.boolean(),
  packageManager: z.enum(packageManagers),
  cliVersion: z.string().min(1),
  force: z.boolean(),
  cwd: z.string(),
});
export type CreateOptions = z.infer<typeof createOptionsSchema>;

/** What the command line said; `undefined` means "not given" (so a prompt or default fills it). */
export const createFlagsSchema = z.object({
  directory: z.string().min(1).optional(),
  name: z.string().optional(),
  transport: z.enum(transports).optional(),
  store: z.enum(stores).optional(),
  example: z.boolean().optional(),
  install: z.boolean().optional(),
  git: z.boolean().optional(),
  packageManager: z.enum(packageManagers).optional(),
  cliVersion: z.string().min(1).optional(),
  force: z.boolean().optional(),
  yes: z.boolean().optional(),
});
export type CreateFlags = z.infer<typeof createFlagsSchema>;

/** Asks for one missing value; implemented with @clack/prompts on a terminal and by fakes in tests. */
export interface CreatePrompter {
  directory(defaultValue: string): Promise<string>;
  name(defaultValue: string): Promise<string>;
  transport(defaultValue: Transport): Promise<Transport>;
  example(defaultValue: boolean): Promise<boolean>;
  install(defaultValue: boolean): Promise<boolean>;
}

export const DEFAULT_DIRECTORY = 'my-mcp-server';

/** How each option is spelled on the command line, for error hints. */
const FLAG_OF: Partial<Record<keyof CreateOptions, string>> = {
  directory: 'the directory argument',
  name: '--name',
  transport: '--transport',
  store: '--store',
  packageManager: '--pm',
  cliVersion: '--cli-version',
};

/**
 * Fills every option: flags first, then prompts (only when interactive and not `--yes`), then
 * defaults. Non-interactive runs never guess a value that names where files go: a missing
 * directory is an error unless `--yes` was given.
 */
export async function resolveCreateOptions(
  flags: CreateFlags,
  context: { interactive: boolean; prompter: CreatePrompter; cwd: string; defaultPackageManager: PackageManager; ownVersion: string },
): Promise<CreateOptions> {
  const ask = context.interactive && !flags.yes ? context.prompter : undefined;

  let directory = flags.directory;
  if (directory === undefined) {
    if (ask) directory = await ask.directory(DEFAULT_DIRECTORY);
    else if (flags.yes) directory = DEFAULT_DIRECTORY;
    else {
      throw new CliError('Missing project directory.', {
        hint: 'Pass it as an argument, e.g. `create-mcp-prod my-server --yes`, or pass --yes to use ./my-mcp-server.',
      });
    }
  }

  let name = flags.name;
  if (name === undefined) {
    const fromDirectory = path.basename(path.resolve(context.cwd, directory));
    if (packageNameProblems(fromDirectory).length === 0) name = fromDirectory;
    else if (ask) name = await ask.name(toPackageName(fromDirectory) || 'mcp-server');
    else {
      throw new CliError(`The directory name "${fromDirectory}" is not a valid npm package name.`, {
        hint: `Pass a package name with --name, e.g. --name ${toPackageName(fromDirectory) || 'mcp-server'}`,
      });
    }
  }

  const transport = flags.transport ?? (ask ? await ask.transport('both') : 'both');
  const example = flags.example ?? (ask ? await ask.example(true) : true);
  const install = flags.install ?? (ask ? await ask.install(true) : true);

  const parsed = createOptionsSchema.safeParse({
    directory,
    name,
    transport,
    // SQLite needs no service, so it stays the default even in prompts: PostgreSQL is a flag away.
    store: flags.store ?? 'sqlite',
    example,
    install,
    git: flags.git ?? true,
    packageManager: flags.packageManager ?? context.defaultPackageManager,
    cliVersion: flags.cliVersion ?? context.ownVersion,
    force: flags.force ?? false,
    cwd: context.cwd,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = FLAG_OF[String(issue.path[0]) as keyof CreateOptions] ?? String(issue.path[0]);
    throw new CliError(issue.message, { hint: `Fix the value of ${flag}.` });
  }
  return parsed.data;
}
