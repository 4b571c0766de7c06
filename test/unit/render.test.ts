import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderLayers, renderString } from '../../src/templates/render.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('create-mcp-prod-render-');
afterEach(() => temp.cleanup());

async function layer(files: Record<string, string>): Promise<string> {
  const dir = await temp.make();
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

describe('renderString', () => {
  it('does not HTML-escape values (noEscape)', () => {
    const value = `"quoted" & 'single' <tag> \`tick\` =`;
    expect(renderString('const s = {{value}};', { value })).toBe(`const s = ${value};`);
  });

  it('throws on a missing variable and names the template source (strict)', () => {
    expect(() => renderString('Hello {{missing}}!', { present: 1 }, 'greeting.md.hbs')).toThrow(/Failed to render template greeting\.md\.hbs: .*missing/);
  });

  it('names <inline> when no source is given', () => {
    expect(() => renderString('{{nope}}', {})).toThrow(/<inline>/);
  });

  it('provides the ts, json and eq helpers, and no others', () => {
    const data = { name: "it's my-server", kind: 'http' };
    expect(renderString('{{ts name}}', data)).toBe("'it\\'s my-server'");
    expect(renderString('{{json name}}', data)).toBe('"it\'s my-server"');
    expect(() => renderString('{{kebabCase name}}', data)).toThrow(/kebabCase/);
    expect(renderString('{{#if (eq kind "http")}}yes{{else}}no{{/if}}', data)).toBe('yes');
    expect(renderString('{{#if (eq kind "stdio")}}yes{{else}}no{{/if}}', data)).toBe('no');
  });
});

describe('renderLayers', () => {
  it('renders .hbs files, copies others verbatim and maps leading underscores to dots', async () => {
    const base = await layer({
      'README.md.hbs': '# {{name}} & <friends>\n',
      'raw.txt': 'keep {{this}} and {{#if x}} verbatim\n',
      _gitignore: 'node_modules\n',
      '_github/workflows/ci.yml.hbs': 'name: {{name}}\n',
      '__snapshots__/keep.txt': 'dunder\n',
      'src/{{fileName}}.ts.hbs': 'export const id = {{ts name}};\n',
      '{{fileName}}/index.ts': 'export {};\n',
    });
    const tree = renderLayers([base], { name: 'My Tool', fileName: 'my-tool' });
    expect([...tree.keys()].sort()).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
      'README.md',
      '__snapshots__/keep.txt',
      'my-tool/index.ts',
      'raw.txt',
      'src/my-tool.ts',
    ]);
    expect(tree.get('README.md')).toBe('# My Tool & <friends>\n');
    expect(tree.get('raw.txt')).toBe('keep {{this}} and {{#if x}} verbatim\n');
    expect(tree.get('.gitignore')).toBe('node_modules\n');
    expect(tree.get('.github/workflows/ci.yml')).toBe('name: My Tool\n');
    expect(tree.get('src/my-tool.ts')).toBe("export const id = 'My Tool';\n");
  });

  it('omits a template that renders to whitespace only, but keeps an empty verbatim file', async () => {
    const base = await layer({
      'feature.ts.hbs': '{{#if enabled}}export const on = true;{{/if}}\n  \n',
      'empty.txt': '',
    });
    expect([...renderLayers([base], { enabled: false }).keys()]).toEqual(['empty.txt']);
    expect(renderLayers([base], { enabled: true }).get('feature.ts')).toBe('export const on = true;\n  \n');
  });

  it('merges later layers after earlier ones', async () => {
    const base = await layer({ 'a.txt': 'a', 'src/b.ts': 'b' });
    const extra = await layer({ 'src/c.ts.hbs': '{{name}}' });
    const tree = renderLayers([base, extra], { name: 'c' });
    expect(Object.fromEntries(tree)).toEqual({ 'a.txt': 'a', 'src/b.ts': 'b', 'src/c.ts': 'c' });
  });

  it('throws when two layers produce the same path', async () => {
    const base = await layer({ 'README.md.hbs': '# {{name}}\n' });
    const clashing = await layer({ 'README.md': 'plain\n' });
    expect(() => renderLayers([base, clashing], { name: 'x' })).toThrow(/clash on README\.md/);
  });

  it('throws naming the file when a template uses a missing variable', async () => {
    const base = await layer({ 'broken.ts.hbs': '{{nothing}}' });
    expect(() => renderLayers([base], {})).toThrow(/broken\.ts\.hbs/);
  });
});
