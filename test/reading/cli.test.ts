import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../ingest/helpers.ts';
import { parseBibtex } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'paperboy-reading-cli-'));
  dirs.push(d);
  return d;
}

describe('reading lists in the one-shot CLI (the local user, DATA_DIR/state.db)', () => {
  it('save snapkv, saved, cite snapkv, saved --bibtex, unsave: across separate processes', async () => {
    const env = { DATA_DIR: dataDir() };
    const save = await runCli(['save', 'snapkv'], env);
    expect(save.code).toBe(0);
    expect(save.out).toMatch(/^Saved SnapKV to your reading list \(1 paper\)\./);
    const again = await runCli(['save', 'snapkv'], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/SnapKV is already in your reading list/);
    const list = await runCli(['saved'], env);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/Your reading list\n1 paper\n\n1\. SnapKV: LLM Knows What You are Looking for Before Generation/);
    const cite = parseJson<{ paperId: string; key: string; bibtex: string }>(await runCli(['cite', 'snapkv', '--json'], env));
    expect(cite.key).toBe('snapkv');
    expect(parseBibtex(cite.bibtex)[0]!.fields['note']).toBe('Authors unknown');
    const bib = await runCli(['saved', '--bibtex'], env);
    expect(bib.code).toBe(0);
    // `saved --bibtex > refs.bib`: stdout (a pipe here) holds only BibTeX; what it is goes to stderr.
    expect(parseBibtex(bib.out).map((e) => e.key)).toEqual(['snapkv']);
    expect(bib.err).toMatch(/BibTeX for your reading list\n1 entry/);
    const unsave = await runCli(['unsave', 'snapkv'], env);
    expect(unsave.code).toBe(0);
    const gone = await runCli(['unsave', 'snapkv'], env);
    expect(gone.code).toBe(3);
    expect(gone.out).toMatch(/SnapKV is not in your reading list\./);
    const empty = await runCli(['saved'], env);
    expect(empty.code).toBe(3);
    expect(empty.out).toMatch(/Your reading list is empty\./);
  });

  it('exports write only BibTeX to a redirected stdout: saved --bibtex of several papers, and cite', async () => {
    const env = { DATA_DIR: dataDir() };
    expect((await runCli(['--batch'], env, { input: 'save snapkv\nsearch kv cache compression\nsave 2\nsave 3\nsave 4\n' })).code).toBe(0);
    const bib = await runCli(['saved', '--bibtex'], env);
    expect(bib.code).toBe(0);
    const entries = parseBibtex(bib.out);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(bib.out.endsWith('}\n')).toBe(true);
    expect(bib.err).toMatch(/BibTeX for your reading list/);
    const cite = await runCli(['cite', 'snapkv'], env);
    expect(cite.code).toBe(0);
    expect(parseBibtex(cite.out).map((e) => e.key)).toEqual(['snapkv']);
    expect(cite.err).toMatch(/Citation key snapkv/);
    // --json is unchanged: the BibTeX is a field of the one JSON document.
    const json = await runCli(['saved', '--bibtex', '--json'], env);
    expect(parseBibtex(parseJson<{ bibtex: string }>(json).bibtex)).toHaveLength(entries.length);
  });

  it('--batch: save 2 after a search saves its second result; bad references fail clearly', async () => {
    const env = { DATA_DIR: dataDir() };
    const r = await runCli(['--batch', '--json'], env, {
      input: 'save 2\nsearch kv cache compression\nsave 2\nsave 9\nsaved\ncite nothing-like-this-exists\n',
    });
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    expect(lines[0]!['error']).toBe('There is no list to take result 2 from here yet.');
    const second = (lines[1]!['results'] as { id: string }[])[1]!.id;
    expect(lines[2]).toMatchObject({ saved: true, paperId: second, total: 1 });
    expect(lines[3]!['error']).toBe('No result 9: the last list shows results 1–5.');
    expect((lines[4]!['results'] as { id: string }[]).map((x) => x.id)).toEqual([second]);
    expect(lines[5]).toMatchObject({ match: 'none' });
    expect(r.code).toBe(1);
  });

  it('help and --help name the commands', async () => {
    const env = { DATA_DIR: dataDir() };
    const help = await runCli(['help', 'saved'], env);
    expect(help.out).toMatch(/saved \[--page N\] \[--bibtex\]/);
    const usage = await runCli(['--help'], env);
    for (const c of ['save', 'unsave', 'saved', 'cite']) expect(usage.out).toMatch(new RegExp(`\\b${c}\\b`));
  });
});
