import { describe, expect, it } from 'vitest';
import { arxivAbsUrl, arxivPdfUrl, hfPaperUrl, parseArxivRef } from '../../src/papers/arxiv-id.ts';

describe('parseArxivRef', () => {
  it.each([
    ['2411.01234', '2411.01234'],
    ['2411.01234v2', '2411.01234'],
    ['0704.0001', '0704.0001'],
    ['1412.6980v9', '1412.6980'],
    ['arXiv:2411.01234', '2411.01234'],
    ['arxiv:2411.01234v3', '2411.01234'],
    ['ARXIV: 2411.01234', '2411.01234'],
    ['https://arxiv.org/abs/2411.01234v2', '2411.01234'],
    ['http://arxiv.org/abs/2411.01234', '2411.01234'],
    ['arxiv.org/pdf/2411.01234v2', '2411.01234'],
    ['https://arxiv.org/pdf/2411.01234v2.pdf', '2411.01234'],
    ['https://arxiv.org/pdf/2411.01234.pdf', '2411.01234'],
    ['https://www.arxiv.org/abs/2411.01234', '2411.01234'],
    ['https://export.arxiv.org/abs/2411.01234v1', '2411.01234'],
    ['https://arxiv.org/abs/2411.01234/', '2411.01234'],
    ['https://arxiv.org/abs/2411.01234?context=cs', '2411.01234'],
    ['https://huggingface.co/papers/2411.01234', '2411.01234'],
    ['https://huggingface.co/papers/2411.01234v2', '2411.01234'],
    ['hf.co/papers/2411.01234', '2411.01234'],
    ['hep-th/9901001', 'hep-th/9901001'],
    ['hep-th/9901001v2', 'hep-th/9901001'],
    ['arXiv:hep-th/9901001', 'hep-th/9901001'],
    ['arxiv.org/abs/cs/0112017v1', 'cs/0112017'],
    ['https://arxiv.org/abs/math.AG/0101001', 'math.AG/0101001'],
    ['https://arxiv.org/abs/quant-ph/0201082v1', 'quant-ph/0201082'],
  ])('%s → %s', (input, id) => {
    expect(parseArxivRef(input)).toBe(id);
  });

  it.each([
    ['  2411.01234  ', '2411.01234'],
    ['2411.01234.', '2411.01234'],
    ['2411.01234,', '2411.01234'],
    ['(2411.01234)', '2411.01234'],
    ['<https://arxiv.org/abs/2411.01234v2>', '2411.01234'],
    ['<https://arxiv.org/abs/2411.01234|arxiv.org/abs/2411.01234>', '2411.01234'],
    ['"arXiv:2411.01234"!', '2411.01234'],
    ['\t2411.01234v2\n', '2411.01234'],
  ])('tolerates punctuation and brackets: %j', (input, id) => {
    expect(parseArxivRef(input)).toBe(id);
  });

  it.each([
    'snapkv',
    '',
    '   ',
    '2411',
    '1234.5',
    '2411.123',
    '2411.123456',
    '2413.01234',
    '2400.01234',
    'x2411.01234',
    '2411.01234x',
    '2411.01234v',
    'http://example.com/abs/2411.01234',
    'https://arxiv.org.evil.com/abs/2411.01234',
    'https://arxiv.org/list/2411.01234',
    'https://huggingface.co/2411.01234',
    'see 2411.01234 for details',
    'foo/9901001',
    'hep-th/990100',
    'arxiv:',
  ])('rejects %j', (input) => {
    expect(parseArxivRef(input)).toBeUndefined();
  });
});

describe('links', () => {
  it('builds canonical URLs', () => {
    expect(arxivAbsUrl('2411.01234')).toBe('https://arxiv.org/abs/2411.01234');
    expect(arxivPdfUrl('2411.01234')).toBe('https://arxiv.org/pdf/2411.01234');
    expect(hfPaperUrl('2411.01234')).toBe('https://huggingface.co/papers/2411.01234');
    expect(arxivAbsUrl('hep-th/9901001')).toBe('https://arxiv.org/abs/hep-th/9901001');
  });

  it('round-trips through parseArxivRef', () => {
    for (const id of ['2411.01234', '0704.0001', 'hep-th/9901001']) {
      expect(parseArxivRef(arxivAbsUrl(id))).toBe(id);
      expect(parseArxivRef(arxivPdfUrl(id))).toBe(id);
      expect(parseArxivRef(hfPaperUrl(id))).toBe(id);
    }
  });
});
