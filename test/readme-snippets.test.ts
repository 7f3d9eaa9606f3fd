// README code that claims to be a project file's code is that code: a block
// under `<!-- code: path#region, path#region … -->` equals those `// #region`
// parts of the files (joined by a blank line), which the build compiles and
// the example's own tests run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const READMES = ['README.md', ...readdirSync(join(root, 'adapters')).map((dir) => `adapters/${dir}/README.md`)].filter((file) => {
  try {
    readFileSync(join(root, file));
    return true;
  } catch {
    return false;
  }
});

/** The text between `// #region name` and the next `// #endregion` of a file. */
function region(file: string, name: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const open = `// #region ${name}\n`;
  const start = text.indexOf(open);
  if (start === -1) throw new Error(`${file} has no "// #region ${name}"`);
  const end = text.indexOf('// #endregion', start);
  if (end === -1) throw new Error(`${file}: "// #region ${name}" is not closed`);
  return text.slice(start + open.length, end);
}

/** Every marked block of a README: the files and regions it names, and its code. */
function markedBlocks(readme: string): Array<{ line: number; parts: string[]; code: string }> {
  const text = readFileSync(join(root, readme), 'utf8');
  const out: Array<{ line: number; parts: string[]; code: string }> = [];
  for (const m of text.matchAll(/<!-- code: ([^()]+?)(?: \([^)]*\))? -->\n```\w*\n([\s\S]*?)```\n/g)) {
    out.push({ line: text.slice(0, m.index).split('\n').length, parts: m[1]!.split(', '), code: m[2]! });
  }
  return out;
}

describe.each(READMES)('%s', (readme) => {
  it('shows the named code of the project, as it is', () => {
    for (const block of markedBlocks(readme)) {
      const expected = block.parts.map((part) => {
        const [file, name = 'readme'] = part.split('#');
        return region(file!, name);
      });
      expect(block.code, `${readme}:${block.line}`).toBe(expected.join('\n'));
    }
  });
});

it('finds the spec-first snippet in both READMEs', () => {
  expect(markedBlocks('README.md').some((b) => b.parts.includes('examples/app-spec/notes.ts#readme'))).toBe(true);
  expect(markedBlocks('adapters/app/README.md').some((b) => b.parts.includes('examples/app-spec/notes.ts#readme'))).toBe(true);
});
