/**
 * Golden files of what the templates render, per scaffold variant: every file produced from a
 * Handlebars template or built as data (package.json, the lockfile), and the sorted list of all
 * files. A template change shows up as a reviewable diff under __golden__/; accept it with
 * `npx vitest run test/unit/golden-templates.test.ts -u`. Files copied verbatim are their own
 * golden copy and are only listed.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/create/index.js';
import type { CreateOptions } from '../../src/commands/create/options.js';
import { projectLayers } from '../../src/commands/create/template-data.js';
import { packageRoot } from '../../src/core/package-info.js';
import { renderLayers } from '../../src/templates/render.js';
import { createOptions } from '../helpers/options.js';

const golden = (...segments: string[]) => path.join(import.meta.dirname, '__golden__', ...segments);

/** Where each `.hbs` template of `layers` lands: `.hbs` dropped, a leading `_` becoming `.`. */
function renderedTemplatePaths(layers: readonly string[]): Set<string> {
  const paths = new Set<string>();
  for (const layer of layers) {
    for (const file of readdirSync(layer, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.hbs')) continue;
      const segments = file.split(path.sep).map((segment) => (segment.startsWith('_') && !segment.startsWith('__') ? `.${segment.slice(1)}` : segment));
      paths.add(segments.join('/').replace(/\.hbs$/, ''));
    }
  }
  return paths;
}

const projectVariants: [string, Partial<CreateOptions>][] = [
  ['both-examples-sqlite', {}],
  ['both-bare', { example: false }],
  ['stdio-examples', { transport: 'stdio' }],
  ['http-bare-postgres', { transport: 'http', example: false, store: 'postgres' }],
  ['stdio-bare-pnpm', { transport: 'stdio', example: false, packageManager: 'pnpm' }],
];

describe('golden project templates', () => {
  it.each(projectVariants)('%s', async (variant, overrides) => {
    const options = createOptions({ name: 'golden-server', ...overrides });
    const tree = renderProject(options);
    const templated = renderedTemplatePaths(projectLayers(options));
    await expect(`${[...tree.keys()].join('\n')}\n`).toMatchFileSnapshot(golden('project', variant, '__files.txt'));
    for (const [file, content] of tree) {
      if (templated.has(file) || file === 'package.json' || file === 'mcp-tools.lock.json') {
        await expect(content).toMatchFileSnapshot(golden('project', variant, file));
      }
    }
  });
});

const toolVariants: [string, Record<string, unknown>][] = [
  [
    'read-only',
    {
      name: 'get_weather',
      fileName: 'get-weather',
      version: '1.0.0',
      description: "Today's weather for a city.",
      scopes: ['weather:read'],
      readOnly: true,
      destructive: false,
      idempotency: 'none',
    },
  ],
  [
    'destructive',
    {
      name: 'delete_city',
      fileName: 'delete-city',
      version: '2.0.0',
      description: 'Forget a city.',
      scopes: ['weather:write', 'weather:admin'],
      readOnly: false,
      destructive: true,
      idempotency: 'required',
    },
  ],
];

describe('golden tool templates', () => {
  it.each(toolVariants)('%s', async (variant, data) => {
    for (const [file, content] of renderLayers([path.join(packageRoot, 'templates', 'tool')], data)) {
      await expect(content).toMatchFileSnapshot(golden('tool', variant, file));
    }
  });
});
