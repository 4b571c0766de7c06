import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { jsonLiteral, tsString } from './helpers.js';

/** Rendered files keyed by POSIX path relative to the project root. */
export type RenderedTree = Map<string, string>;

const hbs = Handlebars.create();
hbs.registerHelper('ts', (value: unknown) => tsString(String(value)));
hbs.registerHelper('json', (value: unknown) => jsonLiteral(value));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

// noEscape: HTML escaping would corrupt code (quotes, &, <). strict: a missing variable is a bug
// in the generator and must throw instead of rendering an empty string.
const compileOptions = { noEscape: true, strict: true } as const;

export function renderString(template: string, data: object, source = '<inline>'): string {
  try {
    return hbs.compile(template, compileOptions)(data);
  } catch (error) {
    throw new Error(`Failed to render template ${source}: ${(error as Error).message}`, { cause: error });
  }
}

function renderPath(relativePath: string, data: object): string {
  const rendered = relativePath.includes('{{') ? renderString(relativePath, data, relativePath) : relativePath;
  return rendered
    .split('/')
    .map((segment) => (segment.startsWith('_') && !segment.startsWith('__') ? `.${segment.slice(1)}` : segment))
    .join('/')
    .replace(/\.hbs$/, '');
}

function listFiles(root: string, dir = ''): string[] {
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  return entries
    .flatMap((entry) => {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, relative) : [relative];
    })
    .sort();
}

/**
 * Renders template layers (directories) in order into one in-memory tree. `*.hbs` files are
 * Handlebars templates; everything else is copied verbatim. A leading `_` in a path segment
 * becomes `.` (`_gitignore` -> `.gitignore`) so npm does not drop dotfiles when packing.
 * Later layers may not silently replace earlier files: a clash is a template bug.
 */
export function renderLayers(layerDirs: readonly string[], data: object): RenderedTree {
  const tree: RenderedTree = new Map();
  for (const layerDir of layerDirs) {
    for (const relative of listFiles(layerDir)) {
      const source = path.join(layerDir, relative);
      const target = renderPath(relative, data);
      if (tree.has(target)) throw new Error(`Template layers clash on ${target} (${source})`);
      const raw = readFileSync(source, 'utf8');
      const content = relative.endsWith('.hbs') ? renderString(raw, data, source) : raw;
      // A template may render to nothing when the feature it serves is switched off.
      if (relative.endsWith('.hbs') && content.trim() === '') continue;
      tree.set(target, content);
    }
  }
  return tree;
}
