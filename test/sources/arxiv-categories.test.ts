import { describe, expect, it } from 'vitest';
import { ARXIV_CATEGORIES, checkArxivCategory } from '../../src/sources/arxiv-categories.ts';

describe("arXiv categories are checked against arXiv's taxonomy", () => {
  it('knows the computer-science categories and the main ones of the other archives', () => {
    const cs = ARXIV_CATEGORIES.filter((c) => c.startsWith('cs.'));
    expect(cs).toHaveLength(40);
    expect(cs[0]).toBe('cs.AI');
    expect(cs.at(-1)).toBe('cs.SY');
    for (const c of [
      'cs.CL',
      'cs.LG',
      'stat.ML',
      'math.OC',
      'eess.SP',
      'q-bio.NC',
      'q-fin.ST',
      'econ.EM',
      'astro-ph.CO',
      'cond-mat.stat-mech',
      'physics.optics',
      'hep-th',
      'quant-ph',
    ]) {
      expect(ARXIV_CATEGORIES, c).toContain(c);
    }
    expect(new Set(ARXIV_CATEGORIES).size).toBe(ARXIV_CATEGORIES.length);
  });

  it('fixes the case where only one category matches', () => {
    expect(checkArxivCategory('cs.cl')).toEqual({ ok: true, category: 'cs.CL' });
    expect(checkArxivCategory(' STAT.ml ')).toEqual({ ok: true, category: 'stat.ML' });
    expect(checkArxivCategory('Physics.Optics')).toEqual({ ok: true, category: 'physics.optics' });
    expect(checkArxivCategory('HEP-TH')).toEqual({ ok: true, category: 'hep-th' });
    expect(checkArxivCategory('cs.CL')).toEqual({ ok: true, category: 'cs.CL' });
  });

  it('refuses unknown ones with the closest names', () => {
    const typo = checkArxivCategory('cs.CLL');
    expect(typo.ok).toBe(false);
    expect(!typo.ok && typo.suggestions[0]).toBe('cs.CL');
    expect(!typo.ok && typo.problem).toMatch(/^"cs\.CLL" is not an arXiv category\. Closest: cs\.CL/);
    const foo = checkArxivCategory('foo');
    expect(foo.ok).toBe(false);
    expect(!foo.ok && foo.problem).toMatch(/"foo" is not an arXiv category/);
    const archive = checkArxivCategory('cs');
    expect(!archive.ok && archive.problem).toMatch(/"cs" is not an arXiv category but an archive: name one of its categories, e\.g\. cs\./);
    expect(checkArxivCategory('stat.XY').ok).toBe(false);
    expect(checkArxivCategory('').ok).toBe(false);
  });
});
