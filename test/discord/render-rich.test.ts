/**
 * Rich text to Discord markdown (adapters/discord/rich.ts), exactly: each span kind, line-start
 * escaping across spans, and cutting to a length with a visible ellipsis.
 */
import { describe, expect, it } from 'vitest';
import { richMd, spanMd } from '../../adapters/discord/rich.ts';
import { span } from '../../src/reply/reply.ts';

describe('spanMd', () => {
  it('inline code: one line, backticks made look-alikes, mentions defused; blank code renders nothing', () => {
    expect(spanMd(span.code(' a`b\nc @everyone '))).toBe('` aˋb c @\u200beveryone `');
    expect(spanMd(span.code('   '))).toBe('');
    expect(spanMd(span.code('\u0000'))).toBe('');
  });

  it('strong and mark are bold, their markdown escaped (never treated as a line start); blank bold is just its spaces', () => {
    expect(spanMd(span.strong('# a *b*'))).toBe('**# a \\*b\\***');
    expect(spanMd(span.mark('x'))).toBe('**x**');
    expect(spanMd(span.strong('  '))).toBe('  ');
  });

  it('text escapes block markdown only at a line start', () => {
    expect(spanMd(span.text('# a'))).toBe('\\# a');
    expect(spanMd(span.text('# a'), false)).toBe('# a');
  });

  it('a link is [label](url)', () => {
    expect(spanMd(span.link('a', 'https://x.org'))).toBe('[a](https://x.org/)');
  });
});

describe('richMd', () => {
  it('a span starts a line when the one before ends with a newline (its block markdown is then escaped)', () => {
    expect(richMd([span.text('line\n'), span.text('- item')])).toBe('line\n\\- item');
    expect(richMd([span.text('x '), span.text('- item')])).toBe('x - item');
    expect(richMd([span.text('- a')], Number.POSITIVE_INFINITY, false)).toBe('- a');
    expect(richMd([span.text('- a')])).toBe('\\- a');
  });

  it('bold spans separated by a space read as one bold phrase', () => {
    expect(richMd([span.mark('kv'), span.text(' '), span.mark('cache')])).toBe('**kv cache**');
  });

  it('fits whole: unchanged, also exactly at the length', () => {
    expect(richMd([span.text('alpha beta')], 10)).toBe('alpha beta');
  });

  it('too long: the spans that fit, then a word-boundary prefix of the next, and an ellipsis', () => {
    expect(richMd([span.text('alpha beta gamma')], 12)).toBe('alpha beta…');
    expect(richMd([span.text('alpha '), span.text('beta gamma')], 12)).toBe('alpha beta…');
    expect(richMd([span.text('alpha '), span.link('beta gamma', 'https://x.org')], 14)).toBe('alpha beta…');
  });

  it('a cut bold span keeps its marks balanced', () => {
    expect(richMd([span.text('alpha '), span.strong('beta gamma delta')], 16)).toBe('alpha **beta**…');
  });

  it('the cut span starts a line when the one before ended with a newline', () => {
    expect(richMd([span.text('alpha\n'), span.text('- beta gamma')], 14)).toBe('alpha\n\\- beta…');
    expect(richMd([span.text('- beta gamma')], 8)).toBe('\\- beta…');
    expect(richMd([span.text('- beta gamma')], 8, false)).toBe('- beta…');
  });

  it('no room for any of the next span: the spans before, trailing spaces dropped, and the ellipsis', () => {
    expect(richMd([span.text('alpha '), span.code('code')], 8)).toBe('alpha…');
    expect(richMd([span.text('ab'), span.text('cd')], 3)).toBe('ab…');
  });

  it('a length of 0 gives nothing; 1 gives just the ellipsis', () => {
    expect(richMd([span.text('alpha beta gamma')], 0)).toBe('');
    expect(richMd([span.text('alpha beta gamma')], 1)).toBe('…');
    expect(richMd([span.text('alpha beta gamma')], 2)).toBe('a…');
  });
});
