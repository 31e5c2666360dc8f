import { describe, expect, it } from 'vitest';
import { categoryFilter, parseSnapshotLine, wanted, type CategoryFilter } from '../../src/sources/arxiv-snapshot.ts';

function filterOf(...specs: string[]): CategoryFilter {
  const r = categoryFilter(specs);
  if (!r.ok) throw new Error(r.problem);
  return r.filter;
}

/** A record as arXiv's snapshot writes it: wrapped title and abstract, LaTeX in names. */
function record(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: '2404.14469',
    submitter: 'Yuhong Li',
    authors: 'Yuhong Li, Yingbing Huang, Bowen Yang, Bharat Venkitesh, Acyr Locatelli, Hanchen Ye, Tianle Cai, Patrick Lewis, Deming Chen',
    title: 'SnapKV: LLM Knows What You are Looking for Before\n  Generation',
    comments: null,
    'journal-ref': null,
    doi: '10.5555/snapkv.2024',
    'report-no': null,
    categories: 'cs.CL cs.AI',
    license: 'http://creativecommons.org/licenses/by/4.0/',
    abstract:
      '  Large Language Models (LLMs) have made remarkable progress in processing\nextensive contexts, with the Key-Value (KV) cache playing a vital role.\n',
    versions: [
      { version: 'v1', created: 'Mon, 22 Apr 2024 17:42:58 GMT' },
      { version: 'v2', created: 'Mon, 17 Jun 2024 07:00:00 GMT' },
    ],
    update_date: '2024-06-18',
    authors_parsed: [
      ['Li', 'Yuhong', ''],
      ["Garc{\\'\\i}a", 'Ana', ''],
      ['M\\"uller', 'J.', 'Jr'],
    ],
    ...over,
  });
}

describe('parseSnapshotLine', () => {
  const cs = filterOf('cs');

  it('reads a record: wrapped text joined, authors in order with LaTeX accents as letters, first version date, categories, DOI', () => {
    const r = parseSnapshotLine(record(), cs);
    expect(r).toEqual({
      kind: 'paper',
      stamp: '2024-06-18#2',
      paper: {
        arxivId: '2404.14469',
        title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
        abstract:
          'Large Language Models (LLMs) have made remarkable progress in processing extensive contexts, with the Key-Value (KV) cache playing a vital role.',
        authors: ['Yuhong Li', 'Ana García', 'J. Müller Jr'],
        published: '2024-04-22',
        categories: ['cs.CL', 'cs.AI'],
        doi: '10.5555/snapkv.2024',
      },
    });
  });

  it('takes the authors line when there is no authors_parsed, split at commas and "and"', () => {
    const r = parseSnapshotLine(record({ authors_parsed: null, authors: "C. Bal\\'azs, E. L. Berger and P. M. Nadolsky" }), cs);
    expect(r.kind === 'paper' && r.paper.authors).toEqual(['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky']);
  });

  it('dates a paper by its v1 even when the versions are listed out of order, else by update_date', () => {
    const shuffled = parseSnapshotLine(
      record({
        versions: [
          { version: 'v2', created: 'Tue, 2 Jan 2024 00:00:00 GMT' },
          { version: 'v1', created: 'Sun, 31 Dec 2023 23:59:59 GMT' },
        ],
      }),
      cs,
    );
    expect(shuffled.kind === 'paper' && shuffled.paper.published).toBe('2023-12-31');
    const noVersions = parseSnapshotLine(record({ versions: [] }), cs);
    expect(noVersions.kind === 'paper' && noVersions.paper.published).toBe('2024-06-18');
  });

  it('keeps the first of several DOIs, as the OAI-PMH client does', () => {
    const r = parseSnapshotLine(record({ doi: '10.1103/PhysRevD.76.013009 10.1000/other' }), cs);
    expect(r.kind === 'paper' && r.paper.doi).toBe('10.1103/PhysRevD.76.013009');
  });

  it('keeps old-style ids and leaves the DOI out when there is none', () => {
    const r = parseSnapshotLine(record({ id: 'cs/0112017', doi: null, categories: 'cs.LG' }), cs);
    expect(r.kind).toBe('paper');
    if (r.kind !== 'paper') return;
    expect(r.paper.arxivId).toBe('cs/0112017');
    expect(r.paper).not.toHaveProperty('doi');
  });

  it('matches any of a record’s categories: cross-lists into cs count, other fields do not', () => {
    expect(parseSnapshotLine(record({ categories: 'stat.ML cs.LG' }), cs).kind).toBe('paper');
    expect(parseSnapshotLine(record({ categories: 'math.OC' }), cs)).toEqual({ kind: 'other' });
    expect(parseSnapshotLine(record({ categories: 'hep-th' }), filterOf('hep-th')).kind).toBe('paper');
    expect(parseSnapshotLine(record({ categories: 'cs.AI' }), filterOf('cs.CL'))).toEqual({ kind: 'other' });
    expect(parseSnapshotLine(record({ categories: 'cs.AI cs.CL' }), filterOf('cs.CL')).kind).toBe('paper');
  });

  it('skips, with a reason, lines it cannot use: malformed JSON, no abstract, no title, a bad id, a bad shape, no date', () => {
    expect(parseSnapshotLine('{"id": "2404.1', cs)).toEqual({ kind: 'skipped', reason: 'malformed JSON' });
    expect(parseSnapshotLine(record({ abstract: '   \n ' }), cs)).toEqual({ kind: 'skipped', id: '2404.14469', reason: 'no abstract' });
    expect(parseSnapshotLine(record({ title: null }), cs)).toEqual({ kind: 'skipped', id: '2404.14469', reason: 'no title' });
    expect(parseSnapshotLine(record({ id: 'not-an-id' }), cs)).toEqual({ kind: 'skipped', id: 'not-an-id', reason: 'not an arXiv id' });
    expect(parseSnapshotLine(record({ versions: [], update_date: null }), cs)).toMatchObject({ kind: 'skipped', reason: expect.stringMatching(/^no date/) });
    const bad = parseSnapshotLine(record({ authors_parsed: 'Li, Y.' }), cs);
    expect(bad).toMatchObject({ kind: 'skipped', id: '2404.14469', reason: expect.stringMatching(/^not a snapshot record \(authors_parsed: /) });
    expect(parseSnapshotLine('[1, 2]', cs)).toMatchObject({ kind: 'skipped', reason: expect.stringMatching(/^not a snapshot record/) });
  });

  it('treats a blank line as nothing, not as a problem', () => {
    expect(parseSnapshotLine('', cs)).toEqual({ kind: 'other' });
    expect(parseSnapshotLine('  \r', cs)).toEqual({ kind: 'other' });
  });

  it('passes over a record of another field without reading the rest of it', () => {
    // Broken after the categories: were the line parsed, it would be skipped as malformed.
    expect(parseSnapshotLine('{"id":"0704.0001","categories":"hep-ph","abstract": oops', cs)).toEqual({ kind: 'other' });
    expect(parseSnapshotLine('{"id":"0704.0001","categories":"cs.CL","abstract": oops', cs)).toEqual({ kind: 'skipped', reason: 'malformed JSON' });
  });

  it('gives a record arXiv revised another stamp', () => {
    const a = parseSnapshotLine(record(), cs);
    const b = parseSnapshotLine(
      record({
        update_date: '2024-07-01',
        versions: [
          { version: 'v1', created: 'Mon, 22 Apr 2024 17:42:58 GMT' },
          { version: 'v2', created: 'x' },
          { version: 'v3', created: 'y' },
        ],
      }),
      cs,
    );
    expect(a.kind === 'paper' && b.kind === 'paper' && a.stamp !== b.stamp).toBe(true);
  });
});

describe('categoryFilter', () => {
  it('takes archives and categories, fixing a category’s case', () => {
    const f = filterOf('cs', 'STAT.ml', 'hep-th');
    expect([...f.archives]).toEqual(['cs', 'hep-th']);
    expect([...f.categories]).toEqual(['stat.ML']);
    expect(wanted('stat.ML', f)).toBe(true);
    expect(wanted('stat.ME', f)).toBe(false);
    expect(wanted('cs.XX', f)).toBe(true);
  });

  it('refuses unknown names with the closest ones, and an empty list', () => {
    const r = categoryFilter(['cs.CLL']);
    expect(r).toEqual({ ok: false, problem: expect.stringContaining('"cs.CLL" is not an arXiv category. Closest: cs.CL') });
    expect(categoryFilter([])).toMatchObject({ ok: false, problem: expect.stringContaining('--category cs') });
  });
});
