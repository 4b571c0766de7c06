import { CliError } from './errors.js';

// Loaded on the first question: a command run with its options given (CI, scripts) never asks
// one, and the prompt library costs a noticeable share of such a run's start-up.
const prompts = () => import('@clack/prompts');

/**
 * The one door to the terminal for questions: commands declare a prompter interface of named
 * questions (CreatePrompter, AddToolPrompter) and implement it with these, so tests answer the
 * same interface with a fake. A cancelled prompt (Ctrl-C, Esc) stops the command before it writes.
 */
async function answered<T>(value: T): Promise<Exclude<T, symbol>> {
  if ((await prompts()).isCancel(value)) throw new CliError('Cancelled; nothing was written.');
  return value as Exclude<T, symbol>;
}

export async function askText(options: {
  message: string;
  placeholder?: string;
  defaultValue?: string;
  initialValue?: string;
  validate?: (value: string) => string | undefined;
}): Promise<string> {
  const { validate, ...rest } = options;
  const clack = await prompts();
  return answered(await clack.text({ ...rest, ...(validate ? { validate: (value: string | undefined) => validate(value ?? '') } : {}) }));
}

export async function askSelect<T extends string>(options: {
  message: string;
  initialValue?: T;
  options: { value: T; label: string; hint?: string }[];
}): Promise<T> {
  const clack = await prompts();
  return (await answered(await clack.select<T>(options as Parameters<typeof clack.select<T>>[0]))) as T;
}

export async function askConfirm(options: { message: string; initialValue: boolean }): Promise<boolean> {
  return answered(await (await prompts()).confirm(options));
}
