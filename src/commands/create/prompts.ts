import { packageNameProblems } from '../../core/package-name.js';
import { askConfirm, askSelect, askText } from '../../core/prompts.js';
import type { CreatePrompter } from './options.js';

export const clackPrompter: CreatePrompter = {
  directory: (defaultValue) => askText({ message: 'Where should the project be created?', placeholder: defaultValue, defaultValue }),
  name: (defaultValue) =>
    askText({
      message: 'Package name:',
      initialValue: defaultValue,
      validate: (value) => {
        const problems = packageNameProblems(value);
        return problems.length > 0 ? `Not a valid npm package name: ${problems.join('; ')}` : undefined;
      },
    }),
  transport: (defaultValue) =>
    askSelect({
      message: 'Which transports should the server speak?',
      initialValue: defaultValue,
      options: [
        { value: 'both', label: 'stdio and Streamable HTTP', hint: 'recommended' },
        { value: 'stdio', label: 'stdio only', hint: 'local clients such as Claude Desktop and Cursor' },
        { value: 'http', label: 'Streamable HTTP only', hint: 'remote clients' },
      ],
    }),
  example: (defaultValue) => askConfirm({ message: 'Include the example notes tools (search, create, delete)?', initialValue: defaultValue }),
  install: (defaultValue) => askConfirm({ message: 'Install dependencies now?', initialValue: defaultValue }),
};
