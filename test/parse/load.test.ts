import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, PapersLoadError, listPageFiles, loadPapers } from '../../src/sources/page-files.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/pages', import.meta.url));
const FOLDER = join(FIXTURES, 'folder');
const scratch = mkdtempSync(join(tmpdir(), 'paperboy-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function loadError(path: string): Promise<PapersLoadError> {
  const err: unknown = await loadPapers(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PapersLoadError);
  return err as PapersLoadError;
}

describe('loadPapers', () => {
  it('loads the built-in page from an absolute path that does not depend on the cwd', async () => {
    expect(isAbsolute(BUILTIN_PAPERS_PATH)).toBe(true);
    expect(BUILTIN_PAPERS_PATH.endsWith(join('data', 'daily-papers.txt'))).toBe(true);
    const loaded = await loadPapers(BUILTIN_PAPERS_PATH);
    expect(loaded.papers).toHaveLength(116);
    expect(loaded.problems).toEqual([]);
    expect(loaded.files).toEqual([BUILTIN_PAPERS_PATH]);
    expect(await listPageFiles(BUILTIN_PAPERS_PATH)).toEqual([BUILTIN_PAPERS_PATH]);
  });

  it('loads a folder of *.txt pages in name order, ignoring hidden and non-txt files, merging by id', async () => {
    const loaded = await loadPapers(FOLDER);
    expect(loaded.files).toEqual([join(FOLDER, '01-aug-8.txt'), join(FOLDER, '02-aug-9.txt')]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.papers.map((p) => p.name)).toEqual(['SnapKV', 'GoodNet', 'SecondGood']);
    const snap = loaded.papers[0];
    expect(snap?.sources).toEqual([
      { file: join(FOLDER, '01-aug-8.txt'), line: 3, date: 'Aug 8' },
      { file: join(FOLDER, '02-aug-9.txt'), line: 7, date: 'Aug 9' },
    ]);
    // Longest abstract kept (with its highlights); aliases and links unioned.
    expect(snap?.abstract).toMatch(/dubbed QuickKV/);
    expect(snap?.highlights).toEqual(['3.6x increase in generation speed']);
    expect(snap?.aliases).toEqual(['LiteKV', 'QuickKV']);
    expect(snap?.links).toEqual([{ url: 'https://github.com/FasterDecoding/SnapKV', kind: 'code' }]);
    expect(await listPageFiles(FOLDER)).toEqual(loaded.files);
  });

  it('returns problems alongside the good papers of a damaged page', async () => {
    const loaded = await loadPapers(join(FIXTURES, 'malformed.txt'));
    expect(loaded.papers).toHaveLength(4);
    expect(loaded.problems.map((p) => p.line)).toEqual([9, 15, 17, 24]);
  });

  it('fails clearly on a missing path', async () => {
    const missing = join(scratch, 'nope', 'papers.txt');
    const err = await loadError(missing);
    expect(err.message).toContain(missing);
    expect(err.message).toMatch(/does not exist; pass a Daily Papers page file \(\.txt\) or a folder of them/);
    expect(err.file).toBe(missing);
  });

  it('fails clearly on a folder without page files', async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, '.hidden.txt'), 'x');
    writeFileSync(join(empty, 'readme.md'), 'x');
    const err = await loadError(empty);
    expect(err.message).toMatch(/has no page files; put Daily Papers page text files \(\*\.txt\) in it/);
    expect(err.message).toContain(empty);
  });

  it('fails clearly on a binary file and on non-UTF-8 text', async () => {
    const bin = join(scratch, 'image.txt');
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    expect((await loadError(bin)).message).toMatch(/image\.txt" looks like a binary file \(NUL byte at offset 8\)/);
    const latin1 = join(scratch, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('Caf\xe9: A Title\n\nSome abstract.', 'latin1'));
    expect((await loadError(latin1)).message).toMatch(/latin1\.txt" is not valid UTF-8 text.*re-save the page as UTF-8/);
  });

  it('fails clearly on a set with zero papers, naming the file and the first problem line', async () => {
    const err = await loadError(join(FIXTURES, 'no-papers.txt'));
    expect(err.message).toMatch(/no papers found in ".*no-papers\.txt"; first problem at .*no-papers\.txt:13: title "Only A Title Here" has no abstract/);
    expect(err.line).toBe(13);
  });

  it('fails clearly on a page file that cannot be read', async () => {
    const folder = join(scratch, 'odd');
    mkdirSync(join(folder, 'a-folder.txt'), { recursive: true });
    const err = await loadError(folder);
    expect(err.message).toMatch(/page file ".*a-folder\.txt" is a folder, not a file; check the path/);
    expect(err.file).toBe(join(folder, 'a-folder.txt'));
  });
});
