import * as clack from '@clack/prompts';
import { CliError } from '../../core/errors.js';
import { addToolOptionsSchema, SCOPE_RULE, TOOL_NAME_RULE, type AddToolOptions, type ToolKind } from './options.js';

export interface AddToolFlags {
  name?: string;
  scopes?: string[];
  kind?: ToolKind;
  description?: string;
  idempotency?: 'required' | 'optional' | 'none';
  version?: string;
  dryRun?: boolean;
  yes?: boolean;
}

function unwrap<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new CliError('Cancelled; nothing was written.');
  return value as Exclude<T, symbol>;
}

/**
 * Fills what the flags left open: by prompting on a terminal, otherwise with defaults where a
 * safe one exists (a read-only tool, a placeholder description). A missing name or scope is an
 * error naming the argument, never a guess.
 */
export async function resolveAddToolOptions(flags: AddToolFlags, interactive: boolean): Promise<AddToolOptions> {
  const ask = interactive && !flags.yes;
  const name =
    flags.name ??
    (ask
      ? unwrap(await clack.text({ message: 'Tool name:', placeholder: 'get_weather', validate: (v) => (/^[A-Za-z0-9_.-]{1,128}$/.test(v ?? '') ? undefined : TOOL_NAME_RULE) }))
      : undefined);
  if (!name) throw new CliError('Missing tool name.', { hint: 'Pass it as an argument: mcp-prod add-tool <name> --scope <resource:tier>' });
  const scopes =
    flags.scopes ??
    (ask ? [unwrap(await clack.text({ message: 'Scope callers need:', placeholder: 'weather:read', validate: (v) => (v ? undefined : SCOPE_RULE) }))] : undefined);
  if (!scopes) throw new CliError('Missing scope.', { hint: `Pass --scope, e.g. mcp-prod add-tool ${name} --scope weather:read` });
  const kind =
    flags.kind ??
    (ask
      ? unwrap(
          await clack.select<ToolKind>({
            message: 'What does it do?',
            options: [
              { value: 'read-only', label: 'reads only' },
              { value: 'mutating', label: 'changes data', hint: 'idempotency keys required' },
              { value: 'destructive', label: 'deletes or overwrites data', hint: 'idempotency keys required' },
            ],
          }),
        )
      : 'read-only');
  const description =
    flags.description ?? (ask ? unwrap(await clack.text({ message: 'Description (models read it):', validate: (v) => (v?.trim() ? undefined : 'Describe the tool in one sentence') })) : `TODO: describe what ${name} does, for the model.`);
  const parsed = addToolOptionsSchema.safeParse({
    name,
    scopes,
    kind,
    description,
    idempotency: flags.idempotency,
    version: flags.version ?? '1.0.0',
    dryRun: flags.dryRun ?? false,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = { name: 'the tool name', scopes: '--scope', version: '--version', idempotency: '--idempotency', description: '--description' }[String(issue.path[0])] ?? String(issue.path[0]);
    throw new CliError(`${flag}: ${issue.message}`);
  }
  return parsed.data;
}
