import * as clack from '@clack/prompts';
import { CliError } from '../../core/errors.js';
import { packageNameProblems } from '../../core/package-name.js';
import type { CreatePrompter, Transport } from './options.js';

function unwrap<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new CliError('Cancelled; nothing was written.');
  return value as Exclude<T, symbol>;
}

export const clackPrompter: CreatePrompter = {
  async directory(defaultValue) {
    return unwrap(
      await clack.text({
        message: 'Where should the project be created?',
        placeholder: defaultValue,
        defaultValue,
      }),
    );
  },
  async name(defaultValue) {
    return unwrap(
      await clack.text({
        message: 'Package name:',
        initialValue: defaultValue,
        validate: (value) => {
          const problems = packageNameProblems(value ?? '');
          return problems.length > 0 ? `Not a valid npm package name: ${problems.join('; ')}` : undefined;
        },
      }),
    );
  },
  async transport(defaultValue) {
    return unwrap(
      await clack.select<Transport>({
        message: 'Which transports should the server speak?',
        initialValue: defaultValue,
        options: [
          { value: 'both', label: 'stdio and Streamable HTTP', hint: 'recommended' },
          { value: 'stdio', label: 'stdio only', hint: 'local clients such as Claude Desktop and Cursor' },
          { value: 'http', label: 'Streamable HTTP only', hint: 'remote clients' },
        ],
      }),
    );
  },
  async example(defaultValue) {
    return unwrap(
      await clack.confirm({ message: 'Include the example notes tools (search, create, delete)?', initialValue: defaultValue }),
    );
  },
  async install(defaultValue) {
    return unwrap(await clack.confirm({ message: 'Install dependencies now?', initialValue: defaultValue }));
  },
};
