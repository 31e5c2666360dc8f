import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bibtexAuthors, bibtexEntries, bibtexEntry, bibtexName, bibtexYear, citationKey, MAX_BIBTEX_AUTHORS } from '../../src/reading/bibtex.ts';
import { bracesBalance, escapeLatex, protectTitle } from '../../src/reading/latex.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { toPaper } from '../../src/sources/hf.ts';
import { hfItem } from '../fakes/hf/fake-hf.ts';
import { paper, parseBibtex } from './helpers.ts';

const snapkv = paper({
  id: '2404.14469',
  arxivId: '2404.14469',
  title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
  name: 'SnapKV',
  authors: ['Yuhong Li', 'Yingbing Huang', 'Bowen Yang', 'Bharat Venkitesh', 'Acyr Locatelli', 'Hanchen Ye', 'Tianle Cai', 'Patrick Lewis', 'Deming Chen'],
  published: '2024-04-22',
  categories: ['cs.CL', 'cs.AI'],
});

describe('bibtexEntry', () => {
  it('writes an arXiv paper as @misc with eprint, archivePrefix, primaryClass, year and the abs url', () => {
    expect(bibtexEntry(snapkv)).toBe(
      [
        '@misc{li2024snapkv,',
        '  title = {{SnapKV}: {LLM} {Knows} {What} {You} are {Looking} for {Before} {Generation}},',
        '  author = {Li, Yuhong and Huang, Yingbing and Yang, Bowen and Venkitesh, Bharat and Locatelli, Acyr and Ye, Hanchen and Cai, Tianle and Lewis, Patrick and Chen, Deming},',
        '  year = {2024},',
        '  eprint = {2404.14469},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {cs.CL},',
        '  url = {https://arxiv.org/abs/2404.14469}',
        '}',
      ].join('\n'),
    );
    const [parsed] = parseBibtex(bibtexEntry(snapkv));
    expect(parsed).toMatchObject({ type: 'misc', key: 'li2024snapkv' });
  });

  it('a paper without authors still gets a valid entry, with a note saying the authors are unknown', () => {
    const p = paper({ id: 'mystery-paper', title: 'A Mystery Paper', sources: [{ file: 'page.txt', line: 3 }] });
    const text = bibtexEntry(p);
    const [entry] = parseBibtex(text);
    expect(entry!.fields).toEqual({ title: '{A} {Mystery} {Paper}', note: 'Authors unknown' });
    expect(entry!.key).toBe('mystery');
    expect(text).not.toMatch(/author =/);
  });

  it('a paper that is not on arXiv gets no eprint fields, and its own link as url (a project page before a code repository)', () => {
    const p = paper({
      id: 'fookv-a-test-paper',
      title: 'FooKV: A Test Paper',
      authors: ['Ann Author'],
      published: '2026-11-26',
      links: [
        { url: 'https://github.com/x/fookv', kind: 'code' },
        { url: 'https://fookv.example.org/', kind: 'project' },
      ],
    });
    const [entry] = parseBibtex(bibtexEntry(p));
    expect(entry!.fields).toEqual({ title: '{FooKV}: {A} {Test} {Paper}', author: 'Author, Ann', year: '2026', url: 'https://fookv.example.org/' });
    // Only a code link: no url rather than the repository.
    const codeOnly = paper({ id: 'code-only', title: 'Code only', links: [{ url: 'https://github.com/x/y', kind: 'code' }] });
    expect(parseBibtex(bibtexEntry(codeOnly))[0]!.fields['url']).toBeUndefined();
  });

  it('reads the arXiv id (and its year) from an arXiv or Hugging Face link when the record has none', () => {
    const p = paper({
      id: 'page-paper',
      title: 'Page paper',
      links: [{ url: 'https://huggingface.co/papers/2311.01234', kind: 'hf' }],
      sources: [{ file: 'p.txt', line: 1 }],
    });
    const [entry] = parseBibtex(bibtexEntry(p));
    expect(entry!.fields).toMatchObject({ year: '2023', eprint: '2311.01234', archivePrefix: 'arXiv', url: 'https://arxiv.org/abs/2311.01234' });
    expect(entry!.fields['primaryClass']).toBeUndefined();
  });

  it('takes the year from the arXiv id (old-style ids too) before any date, else the date, else none', () => {
    // `published` of an HF-fed paper is its listing day, which can come long after the arXiv id.
    expect(bibtexYear(paper({ id: '2404.14469', arxivId: '2404.14469', title: 'T', published: '2025-01-02' }))).toBe('2024');
    expect(bibtexYear(paper({ id: '2404.14469', arxivId: '2404.14469', title: 'T' }))).toBe('2024');
    expect(bibtexYear(paper({ id: 'hep-th/9901001', arxivId: 'hep-th/9901001', title: 'T', published: '2026-11-28' }))).toBe('1999');
    expect(bibtexYear(paper({ id: 'cs/0112017', arxivId: 'cs/0112017', title: 'T' }))).toBe('2001');
    expect(bibtexYear(paper({ id: 'math.AG/0703001', arxivId: 'math.AG/0703001', title: 'T', published: '2024-06-01' }))).toBe('2007');
    expect(bibtexYear(paper({ id: '0704.0001', arxivId: '0704.0001', title: 'T', published: '2008-01-01' }))).toBe('2007');
    // No arXiv id: the date is all there is.
    expect(bibtexYear(paper({ id: 'fookv', title: 'T', published: '2023-05-01', sources: [{ file: 'p.txt', line: 1 }] }))).toBe('2023');
    // An arXiv id read from a link also wins over the date.
    expect(
      bibtexYear(paper({ id: 'page-paper', title: 'T', published: '2026-11-28', links: [{ url: 'https://arxiv.org/abs/2311.01234v2', kind: 'arxiv' }] })),
    ).toBe('2023');
    expect(bibtexYear(paper({ id: 'no-date', title: 'T', sources: [{ file: 'p.txt', line: 1, date: 'Aug 8' }] }))).toBeUndefined();
  });

  it('cites an HF-listed paper by the year it was posted on arXiv, not the listing day (key and year field)', () => {
    // SnapKV (April 2024) as the HF feed stores it when Daily Papers lists it on 2026-11-28.
    const item = hfItem({
      id: '2404.14469',
      title: snapkv.title,
      authors: snapkv.authors,
      submittedAt: '2024-04-22T17:59:59.000Z',
      listedAt: '2026-11-28T08:00:00.000Z',
    });
    const fetched = toPaper(item, '2026-11-28');
    if ('reason' in fetched) throw new Error(fetched.reason);
    expect(fetched.published).toBe('2026-11-28');
    const built = paperFromFeed(fetched, 'hf');
    if (!built.ok) throw new Error(built.message);
    expect(citationKey(built.paper)).toBe('li2024snapkv');
    const [entry] = parseBibtex(bibtexEntry(built.paper));
    expect(entry).toMatchObject({ key: 'li2024snapkv', fields: { year: '2024', eprint: '2404.14469' } });
  });

  it('a December arXiv paper listed on HF in January keeps the December year', () => {
    const p = paper({
      id: '2312.00752',
      arxivId: '2312.00752',
      title: 'Mamba: Linear-Time Sequence Modeling',
      name: 'Mamba',
      authors: ['Albert Gu', 'Tri Dao'],
      published: '2024-01-03',
      sources: [{ feed: 'hf', date: '2024-01-03' }],
    });
    expect(citationKey(p)).toBe('gu2023mamba');
    expect(parseBibtex(bibtexEntry(p))[0]!.fields['year']).toBe('2023');
  });

  it('an old-style arXiv id gives its 1990s year in the key and the entry', () => {
    const p = paper({
      id: 'hep-th/9711200',
      arxivId: 'hep-th/9711200',
      title: 'The Large N Limit of Superconformal Field Theories and Supergravity',
      authors: ['Juan Maldacena'],
      published: '2025-02-14',
    });
    expect(citationKey(p)).toBe('maldacena1997large');
    const [entry] = parseBibtex(bibtexEntry(p));
    expect(entry!.fields).toMatchObject({ year: '1997', eprint: 'hep-th/9711200' });
  });

  it('leaves out a primaryClass that is not a category name, and urls that are not http(s)', () => {
    const p = paper({ id: '2404.14469', arxivId: '2404.14469', title: 'T', categories: ['cs.CL} evil'] });
    expect(parseBibtex(bibtexEntry(p))[0]!.fields['primaryClass']).toBeUndefined();
    const q = paper({ id: 'x-paper', title: 'T', links: [{ url: 'https://example.org/a{b}\\c', kind: 'project' }] });
    expect(parseBibtex(bibtexEntry(q))[0]!.fields['url']).toBe('https://example.org/a%7Bb%7D%5Cc');
  });
});

describe('LaTeX escaping and capitals', () => {
  it('escapes & % $ # _ { } ~ ^ \\', () => {
    expect(escapeLatex('a & b % c $ d # e _ f {g} h ~ i ^ j \\ k')).toBe(
      'a \\& b \\% c \\$ d \\# e \\_ f \\{g\\} h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k',
    );
  });

  it('keeps braces balanced: an unpaired brace becomes \\textbraceleft{} / \\textbraceright{}', () => {
    expect(escapeLatex('a } b { c')).toBe('a \\textbraceright{} b \\textbraceleft{} c');
    expect(escapeLatex('{{x}')).toBe('\\textbraceleft{}\\{x\\}');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '\\', 'a', ' ', '^', '~') }),
        (s) => bracesBalance(escapeLatex(s)) && bracesBalance(protectTitle(s)),
      ),
    );
  });

  it('wraps every word with a capital letter in braces and leaves lower-case words alone', () => {
    expect(protectTitle('SnapKV: LLM Knows what you are looking for')).toBe('{SnapKV}: {LLM} {Knows} what you are looking for');
    expect(protectTitle('Key-Value caches for GPT-4o and LLaMA2, v2.0')).toBe('{Key-Value} caches for {GPT-4o} and {LLaMA2}, v2.0');
    expect(protectTitle('Über Ähnlichkeit')).toBe('{Über} {Ähnlichkeit}');
    expect(protectTitle('100% of {KV} & 50_000 $x^2$')).toBe('100\\% of \\{{KV}\\} \\& 50\\_000 \\$x\\textasciicircum{}2\\$');
  });

  it('a title full of LaTeX specials still gives an entry BibTeX reads', () => {
    const p = paper({ id: 'nasty', title: '} Evil {Title} \\end{document} & 100% #1 ~ ^_^ $', authors: ['A & B Lab'] });
    const [entry] = parseBibtex(bibtexEntry(p));
    expect(entry!.fields['title']).toBe(
      '\\textbraceright{} {Evil} \\{{Title}\\} \\textbackslash{}end\\{document\\} \\& 100\\% \\#1 \\textasciitilde{} \\textasciicircum{}\\_\\textasciicircum{} \\$',
    );
    expect(entry!.fields['author']).toBe('{A \\& B Lab}');
  });
});

describe('author names', () => {
  it('writes names as Last, First, with particles and suffixes where they belong', () => {
    expect(bibtexName('Yuhong Li')).toBe('Li, Yuhong');
    expect(bibtexName('Mary Ann  Smith')).toBe('Smith, Mary Ann');
    expect(bibtexName('Ludwig van Beethoven')).toBe('van Beethoven, Ludwig');
    expect(bibtexName('Juan de la Cruz')).toBe('de la Cruz, Juan');
    expect(bibtexName('Martin Luther King Jr.')).toBe('King, Jr., Martin Luther');
    expect(bibtexName('Zoë Müller')).toBe('Müller, Zoë');
  });

  it('keeps names that are already Last, First, one-word names, and braces organisations and names with "and"', () => {
    expect(bibtexName('Li, Yuhong')).toBe('Li, Yuhong');
    expect(bibtexName('Plato')).toBe('Plato');
    expect(bibtexName('Qwen Team')).toBe('{Qwen Team}');
    expect(bibtexName('Research and Development')).toBe('{Research and Development}');
    expect(bibtexName('Jane O_Neil')).toBe('O\\_Neil, Jane');
  });

  it(`lists at most ${MAX_BIBTEX_AUTHORS} authors, then "and others"`, () => {
    const many = Array.from({ length: 60 }, (_, i) => `Author Number${i}`);
    const value = bibtexAuthors(many);
    expect(value.split(' and ')).toHaveLength(MAX_BIBTEX_AUTHORS + 1);
    expect(value.endsWith(' and others')).toBe(true);
    expect(bibtexAuthors(['A B', 'C D'])).toBe('B, A and D, C');
  });
});

describe('citation keys', () => {
  it('are last name + year + first title word that is not a stop word, in ASCII', () => {
    expect(citationKey(snapkv)).toBe('li2024snapkv');
    expect(citationKey(paper({ id: 'x-survey', title: 'A Survey of the Things', authors: ['José Müller'], published: '2023-05-01' }))).toBe('muller2023survey');
    expect(citationKey(paper({ id: 'x-beet', title: 'The Ninth', authors: ['Ludwig van Beethoven'], published: '1824-05-07' }))).toBe('beethoven1824ninth');
    expect(citationKey(paper({ id: 'x-noauthor', title: 'On Caches', published: '2024-01-01' }))).toBe('2024caches');
    // A short name says more than the title's first word; small words like "No" are skipped.
    expect(citationKey(paper({ id: 'x-named', title: 'Going Faster: A Study', name: 'ZipKV', published: '2024-01-01' }))).toBe('2024zipkv');
    expect(citationKey(paper({ id: 'x-no', title: 'No Token Left Behind', published: '2024-01-01' }))).toBe('2024token');
  });

  it('fall back to the paper id when there is no usable author, year or title word', () => {
    expect(citationKey(paper({ id: 'zh-paper-1', title: '大型语言模型', sources: [{ file: 'p.txt', line: 1 }] }))).toBe('paperzhpaper1');
  });

  it('are made unique within an export, in order: the first keeps its key, later ones get a, b, …', () => {
    const a = paper({ id: 'p-1', title: 'Caching things', authors: ['Ann Li'], published: '2024-01-01' });
    const b = paper({ id: 'p-2', title: 'Caching more', authors: ['Bo Li'], published: '2024-02-01' });
    const c = paper({ id: 'p-3', title: 'Caching again', authors: ['Cy Li'], published: '2024-03-01' });
    // A paper whose own key is what the second duplicate would get.
    const d = paper({ id: 'p-4', title: 'Cachinga', authors: ['Di Li'], published: '2024-04-01' });
    const entries = bibtexEntries([a, d, b, c]);
    expect(entries.map((e) => e.key)).toEqual(['li2024caching', 'li2024cachinga', 'li2024cachingb', 'li2024cachingc']);
    expect(new Set(entries.map((e) => e.key)).size).toBe(4);
    const parsed = parseBibtex(entries.map((e) => e.text).join('\n\n'));
    expect(parsed.map((e) => e.key)).toEqual(entries.map((e) => e.key));
    // The same papers give the same keys every time.
    expect(bibtexEntries([a, d, b, c]).map((e) => e.key)).toEqual(entries.map((e) => e.key));
  });
});
