import { CliError } from '../../core/errors.js';
import { parseOptions } from '../../core/options.js';
import { askSelect, askText } from '../../core/prompts.js';
import {
  addToolFlagsSchema,
  addToolOptionsSchema,
  SCOPE_RULE,
  TOOL_NAME,
  TOOL_NAME_RULE,
  type AddToolFlags,
  type AddToolOptions,
  type ToolKind,
} from './options.js';

export type { AddToolFlags } from './options.js';

/** Asks for one missing value; implemented with @clack/prompts on a terminal and by fakes in tests. */
export interface AddToolPrompter {
  name(): Promise<string>;
  scope(tool: string): Promise<string>;
  kind(): Promise<ToolKind>;
  description(tool: string): Promise<string>;
}

export const clackAddToolPrompter: AddToolPrompter = {
  name: () => askText({ message: 'Tool name:', placeholder: 'get_weather', validate: (value) => (TOOL_NAME.test(value) ? undefined : TOOL_NAME_RULE) }),
  scope: () => askText({ message: 'Scope callers need:', placeholder: 'weather:read', validate: (value) => (value ? undefined : SCOPE_RULE) }),
  kind: () =>
    askSelect<ToolKind>({
      message: 'What does it do?',
      options: [
        { value: 'read-only', label: 'reads only' },
        { value: 'mutating', label: 'changes data', hint: 'idempotency keys required' },
        { value: 'destructive', label: 'deletes or overwrites data', hint: 'idempotency keys required' },
      ],
    }),
  description: () =>
    askText({ message: 'Description (models read it):', validate: (value) => (value.trim() ? undefined : 'Describe the tool in one sentence') }),
};

/**
 * Fills what the flags left open: by prompting on a terminal, otherwise with defaults where a
 * safe one exists (a read-only tool, a placeholder description). A missing name or scope is an
 * error naming the argument, never a guess.
 */
export async function resolveAddToolOptions(
  flags: AddToolFlags | Record<string, unknown>,
  interactive: boolean,
  prompter: AddToolPrompter = clackAddToolPrompter,
): Promise<AddToolOptions> {
  const given = parseOptions(addToolFlagsSchema, flags, { name: 'the tool name' });
  const ask = interactive && !given.yes ? prompter : undefined;
  const name = given.name ?? (await ask?.name());
  if (!name) throw new CliError('Missing tool name.', { hint: 'Pass it as an argument: mcp-prod add-tool <name> --scope <resource:tier>' });
  const scopes = given.scopes ?? (ask ? [await ask.scope(name)] : undefined);
  if (!scopes) throw new CliError('Missing scope.', { hint: `Pass --scope, e.g. mcp-prod add-tool ${name} --scope weather:read` });
  const kind = given.kind ?? (ask ? await ask.kind() : 'read-only');
  const description = given.description ?? (ask ? await ask.description(name) : `TODO: describe what ${name} does, for the model.`);
  return parseOptions(
    addToolOptionsSchema,
    { name, scopes, kind, description, idempotency: given.idempotency, version: given.version, dryRun: given.dryRun },
    { name: 'the tool name', scopes: '--scope' },
  );
}
