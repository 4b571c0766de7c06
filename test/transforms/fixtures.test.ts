/**
 * Directory-driven transform fixtures: test/transforms/<transform-id>/<case>/ holds
 *
 * - input.ts      the file before the transform;
 * - options.json  the transform's options;
 * - output.ts     the exact expected text (equal to input.ts when the transform must be a no-op), or
 * - error.txt     the expected conflict: line 1 is the message, line 2 (optional) the hint;
 * - bug.txt       optional: the transform is known to get this case wrong (the description says
 *                 how). The first-run test is then `it.fails` and named "bug: ...";
 * - rerun-bug.txt optional: the same for the re-run (idempotency) test.
 *
 * The transform is imported from src/transforms/<transform-id>.ts, export camelCase(<transform-id>).
 * Every output case is also re-run on output.ts, which must give `unchanged` and the same bytes.
 *
 * Every fixture .ts file starts with `// @ts-nocheck`: they import modules that do not exist
 * next to them, and tsconfig.json type-checks everything under test/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { runTransform } from '../../src/transforms/run.js';
import type { Transform } from '../../src/transforms/types.js';

const fixturesRoot = path.dirname(fileURLToPath(import.meta.url));

/** The file each transform is run on (its base name shows up in conflict messages). */
const fileFor = (id: string) => (id.startsWith('set-tool-') ? 'src/tools/tool.ts' : 'src/tools/index.ts');

const camelCase = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

interface Case {
  name: string;
  dir: string;
  input: string;
  options: unknown;
  output: string | undefined;
  error: { message: string; hint: string | undefined } | undefined;
  bug: string | undefined;
  rerunBug: string | undefined;
}

function readOptional(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function readCase(dir: string): Case {
  const errorText = readOptional(path.join(dir, 'error.txt'));
  const [message = '', hint] = (errorText ?? '').replace(/\n$/, '').split('\n');
  return {
    name: path.basename(dir),
    dir,
    input: readFileSync(path.join(dir, 'input.ts'), 'utf8'),
    options: JSON.parse(readFileSync(path.join(dir, 'options.json'), 'utf8')) as unknown,
    output: readOptional(path.join(dir, 'output.ts')),
    error: errorText === undefined ? undefined : { message, hint: hint || undefined },
    bug: readOptional(path.join(dir, 'bug.txt'))?.trim(),
    rerunBug: readOptional(path.join(dir, 'rerun-bug.txt'))?.trim(),
  };
}

const subdirectories = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** Every comment in `text` (line and block comments), in order. */
function commentsOf(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const comments: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) comments.push(scanner.getTokenText());
  }
  return comments;
}

/** The comments of `before` that are missing from `after` (each must appear, in the same order). */
function lostComments(before: string, after: string): string[] {
  const remaining = commentsOf(after);
  const lost: string[] = [];
  for (const comment of commentsOf(before)) {
    const at = remaining.indexOf(comment);
    if (at < 0) lost.push(comment);
    else remaining.splice(0, at + 1);
  }
  return lost;
}

const transformIds = subdirectories(fixturesRoot);
const transforms = new Map<string, Transform<unknown>>();
for (const id of transformIds) {
  const module = (await import(`../../src/transforms/${id}.ts`)) as Record<string, Transform<unknown> | undefined>;
  const transform = module[camelCase(id)];
  if (!transform) throw new Error(`src/transforms/${id}.ts has no export named ${camelCase(id)}`);
  transforms.set(id, transform);
}

it('finds the fixture folders of every transform', () => {
  expect(transformIds).toEqual(expect.arrayContaining(['register-tool', 'unregister-tool', 'set-tool-version', 'set-tool-deprecated']));
  const total = transformIds.reduce((sum, id) => sum + subdirectories(path.join(fixturesRoot, id)).length, 0);
  expect(total).toBeGreaterThanOrEqual(30);
});

for (const id of transformIds) {
  const transform = transforms.get(id)!;
  const cases = subdirectories(path.join(fixturesRoot, id)).map((name) => readCase(path.join(fixturesRoot, id, name)));
  const run = (text: string, options: unknown) => runTransform(transform, { path: fileFor(id), text }, options);

  describe(id, () => {
    it('has the id of its file and fixture folder', () => {
      expect(transform.id).toBe(id);
    });

    for (const fixture of cases) {
      const label = `${id}/${fixture.name}`;

      it(`${fixture.name}: is a well-formed fixture`, () => {
        expect(fixture.output === undefined, `${label} needs exactly one of output.ts and error.txt`).not.toBe(fixture.error === undefined);
        expect(fixture.input.startsWith('// @ts-nocheck\n'), `${label}/input.ts must start with // @ts-nocheck`).toBe(true);
        if (fixture.output !== undefined) {
          expect(fixture.output.startsWith('// @ts-nocheck\n'), `${label}/output.ts must start with // @ts-nocheck`).toBe(true);
          expect(lostComments(fixture.input, fixture.output), `comments of ${label}/input.ts missing from output.ts`).toEqual([]);
        }
        if (fixture.error) expect(fixture.error.message).not.toBe('');
      });

      if (fixture.error) {
        const { message, hint } = fixture.error;
        const test = fixture.bug ? it.fails : it;
        test(`${fixture.bug ? 'bug: ' : ''}${fixture.name}: is a conflict${fixture.bug ? ' (see bug.txt)' : ''}`, () => {
          const result = run(fixture.input, fixture.options);
          expect(result.outcome).toEqual({ kind: 'conflict', message, ...(hint === undefined ? {} : { hint }) });
          expect(result.text).toBe(fixture.input);
        });
        continue;
      }

      const expected = fixture.output!;
      const noop = expected === fixture.input;
      const first = fixture.bug ? it.fails : it;
      first(`${fixture.bug ? 'bug: ' : ''}${fixture.name}: ${noop ? 'changes nothing' : 'produces output.ts'}${fixture.bug ? ' (see bug.txt)' : ''}`, () => {
        const result = run(fixture.input, fixture.options);
        expect(result.outcome.kind, JSON.stringify(result.outcome)).toBe(noop ? 'unchanged' : 'changed');
        expect(lostComments(fixture.input, result.text), `comments of ${label}/input.ts lost by the transform`).toEqual([]);
        expect(result.text).toBe(expected);
      });

      const rerun = fixture.rerunBug ? it.fails : it;
      rerun(`${fixture.rerunBug ? 'bug: ' : ''}${fixture.name}: is unchanged when re-run on output.ts${fixture.rerunBug ? ' (see rerun-bug.txt)' : ''}`, () => {
        const result = run(expected, fixture.options);
        expect(result.outcome).toMatchObject({ kind: 'unchanged', reason: expect.any(String) });
        expect(result.text).toBe(expected);
      });
    }
  });
}
