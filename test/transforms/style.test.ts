import { describe, expect, it } from 'vitest';
import { inferStyle, quoted, type CodeStyle } from '../../src/transforms/style.js';

const single: CodeStyle = { quote: "'", semicolons: true, indent: '  ' };
const double: CodeStyle = { quote: '"', semicolons: true, indent: '  ' };

describe('inferStyle: quotes', () => {
  it.each([
    ['single-quoted imports', "import a from './a.js';\nimport b from './b.js';\n", "'"],
    ['double-quoted imports', 'import a from "./a.js";\nimport b from "./b.js";\n', '"'],
    ['mostly double-quoted imports', 'import a from "./a.js";\nimport b from "./b.js";\nimport c from \'./c.js\';\n', '"'],
    ['as many single as double: single wins', 'import a from "./a.js";\nimport b from \'./b.js\';\n', "'"],
    ['imports decide over string literals', 'import a from \'./a.js\';\nconst s = "x";\nconst t = "y";\n', "'"],
    ['no imports, only double quotes', 'const s = "a";\n', '"'],
    ['no imports, a single quote somewhere', 'const s = "a";\nconst t = \'b\';\n', "'"],
    ['no quotes at all', 'const n = 1;\n', "'"],
    ['empty file', '', "'"],
  ])('%s', (_, text, quote) => {
    expect(inferStyle(text).quote).toBe(quote);
  });
});

describe('inferStyle: semicolons', () => {
  it.each([
    ['every statement ends with one', "import a from './a.js';\nexport const tools = [a];\n", true],
    ['none does', "import a from './a.js'\nexport const tools = [a]\n", false],
    ['half of them do: semicolons win', "import a from './a.js';\nexport const tools = [a]\n", true],
    [
      'lines that open a block are not counted',
      "import {\n  a,\n} from './a.js';\nexport const tools = [\n  a,\n];\nexport function f() {\n  return 1;\n}\nexport const n = 1\n",
      false,
    ],
    ['no import or export lines: default to semicolons', 'const a = 1\n', true],
  ])('%s', (_, text, semicolons) => {
    expect(inferStyle(text).semicolons).toBe(semicolons);
  });
});

describe('inferStyle: indentation', () => {
  it.each([
    ['two spaces', 'function f() {\n  return 1;\n}\n', '  '],
    ['four spaces', 'function f() {\n    return 1;\n}\n', '    '],
    ['tabs', 'function f() {\n\treturn 1;\n}\n', '\t'],
    ['more than eight spaces is capped at eight', 'function f() {\n            return 1;\n}\n', '        '],
    ['nothing indented: two spaces', 'const a = 1;\n', '  '],
  ])('%s', (_, text, indent) => {
    expect(inferStyle(text).indent).toBe(indent);
  });

  it('matches its documented example', () => {
    expect(inferStyle('import a from "./a.js"\n\tfoo()\n')).toEqual({ quote: '"', semicolons: false, indent: '\t' });
  });

  // The ` * ` lines of a JSDoc block are not a level of indentation. Transforms then indent what
  // they insert (and, for an inserted property, the following property) with two spaces in a
  // four-space or tab-indented file; see the *-after-jsdoc-header fixtures.
  it('reads the indentation past a multi-line JSDoc comment at the top', () => {
    expect(inferStyle('/**\n * The registry.\n */\nexport function f() {\n    return 1;\n}\n').indent).toBe('    ');
  });
});

describe('quoted', () => {
  it.each([
    ['plain text, single quotes', 'search_docs', single, "'search_docs'"],
    ['plain text, double quotes', 'search_docs', double, '"search_docs"'],
    ['an apostrophe is escaped in single quotes', "the caller's docs", single, "'the caller\\'s docs'"],
    ['an apostrophe stays as is in double quotes', "the caller's docs", double, '"the caller\'s docs"'],
    ['a double quote is escaped in double quotes', 'say "hi"', double, '"say \\"hi\\""'],
    ['a double quote stays as is in single quotes', 'say "hi"', single, '\'say "hi"\''],
    ['backslashes are escaped first', "a\\b\\'", single, "'a\\\\b\\\\\\''"],
    ['newlines and carriage returns are escaped', 'a\nb\rc', single, "'a\\nb\\rc'"],
  ])('%s', (_, value, style, literal) => {
    expect(quoted(value, style)).toBe(literal);
  });

  it.each(["the caller's docs", 'say "hi"', 'back\\slash', 'two\nlines', 'mixed \'single\' and "double" and \\ and \r\n'])(
    'round-trips %j through a JavaScript string literal in both quote styles',
    (value) => {
      for (const style of [single, double]) {
        expect(new Function(`return ${quoted(value, style)};`)()).toBe(value);
      }
    },
  );
});
