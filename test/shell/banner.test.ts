import { describe, expect, it } from 'vitest';
import { shellBanner } from '../../adapters/shell/notes.ts';

describe('the shell banner', () => {
  it('counts papers in good English', () => {
    expect(shellBanner({ papers: 1, dated: 1 })).toMatch(/^Paperboy — 1 paper loaded\./);
    expect(shellBanner({ papers: 0, dated: 0 })).toMatch(/^Paperboy — 0 papers loaded\./);
    expect(shellBanner({ papers: 116, dated: 3 })).toMatch(/^Paperboy — 116 papers loaded\./);
  });

  it('says when no paper has a date, and the command that fetches today’s papers', () => {
    const undated = shellBanner({ papers: 116, dated: 0 });
    expect(undated).toContain('"new" and "trending" have nothing to show yet');
    expect(undated).toContain('"ingest hf"');
    expect(shellBanner({ papers: 118, dated: 2 })).not.toContain('ingest hf');
  });

  it('ends with the note, when there is one', () => {
    expect(shellBanner({ papers: 2, dated: 2, note: 'note: skipped 1 chunk' }).split('\n')).toEqual([
      expect.stringMatching(/^Paperboy — 2 papers loaded/),
      'note: skipped 1 chunk',
    ]);
  });
});
