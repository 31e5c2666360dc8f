/**
 * Rich text to Slack mrkdwn (adapters/slack/mrkdwn.ts), exactly: how each span kind renders, how
 * formatting marks are kept at word boundaries (Slack formats only there), and how text is cut to
 * a length with a visible ellipsis.
 */
import { describe, expect, it } from 'vitest';
import { fitMrkdwn, slackLinkUrl, toMrkdwn } from '../../adapters/slack/mrkdwn.ts';
import { span } from '../../src/reply/reply.ts';

const ZWSP = '\u200B';

describe('toMrkdwn', () => {
  it('merges neighbouring spans that render alike (strong and mark are both bold), never two links', () => {
    expect(
      toMrkdwn([
        span.text('a'),
        span.text(''),
        span.text('b'),
        span.strong('c'),
        span.mark('d'),
        span.link('x', 'https://x.org'),
        span.link('y', 'https://y.org'),
      ]),
    ).toBe(`ab${ZWSP}*cd*${ZWSP}<https://x.org|x><https://y.org|y>`);
    expect(toMrkdwn([span.code('a'), span.code('b')])).toBe('`ab`');
  });

  it('a bold span next to letters gets zero-width spaces so Slack still formats it; not next to spaces', () => {
    expect(toMrkdwn([span.text('pre'), span.mark('kv'), span.text('post')])).toBe(`pre${ZWSP}*kv*${ZWSP}post`);
    expect(toMrkdwn([span.text('pre '), span.mark('kv'), span.text(' post')])).toBe('pre *kv* post');
    expect(toMrkdwn([span.text('(3'), span.strong('x'), span.text('.)')])).toBe(`(3${ZWSP}*x*.)`);
    // A letter outside the basic plane (two code units) before the span counts as a letter too.
    expect(toMrkdwn([span.text('x𝐀'), span.mark('kv')])).toBe(`x𝐀${ZWSP}*kv*`);
  });

  it('the spaces at the edges of a bold span stay outside its marks', () => {
    expect(toMrkdwn([span.text('a'), span.strong(' kv '), span.text('b')])).toBe('a *kv* b');
    expect(toMrkdwn([span.mark('kv '), span.text('s')])).toBe('*kv* s');
    expect(toMrkdwn([span.strong('  ')])).toBe('  ');
  });

  it('a bold span is one line, escaped, its stars made look-alikes', () => {
    expect(toMrkdwn([span.strong('a\nb <c> *d*')])).toBe('*a b &lt;c&gt; ∗d∗*');
  });

  it('inline code: escaped, one line, backticks made look-alikes, set apart from letters; blank code is just its spaces', () => {
    expect(toMrkdwn([span.text('a'), span.code('c`d'), span.text('b')])).toBe(`a${ZWSP}\`cˋd\`${ZWSP}b`);
    expect(toMrkdwn([span.code('<a>\nb & c')])).toBe('`&lt;a&gt; b &amp; c`');
    expect(toMrkdwn([span.text('a'), span.code('  '), span.text('b')])).toBe('a  b');
  });

  it('links: <url|label>; a label that is blank or the URL itself gives <url>; an unusable URL shows its label, else the URL as text', () => {
    expect(toMrkdwn([span.link('repo *x*', 'https://github.com/a/b')])).toBe('<https://github.com/a/b|repo ∗x∗>');
    expect(toMrkdwn([span.link('  ', 'https://x.org')])).toBe('<https://x.org>');
    expect(toMrkdwn([span.link(' https://x.org ', ' https://x.org')])).toBe('<https://x.org>');
    expect(toMrkdwn([span.link('a\nb', 'mailto:a@b.org')])).toBe('<mailto:a@b.org|a b>');
    expect(toMrkdwn([span.link('files', 'ftp://x.org')])).toBe('files');
    expect(toMrkdwn([span.link(' ', 'ftp://x.org/<a>')])).toBe('ftp://x.org/&lt;a&gt;');
  });

  it('plain text is cleaned, its formatting marks neutralised and escaped', () => {
    expect(toMrkdwn([span.text('a\u0000 *b* <!here> & _c_')])).toBe('a ∗b∗ &lt;!here&gt; &amp; ˍcˍ');
  });
});

describe('slackLinkUrl', () => {
  it('trims and accepts http(s) and mailto; a | or <> cannot end the link token', () => {
    expect(slackLinkUrl(' mailto:a@b.org ')).toBe('mailto:a@b.org');
    expect(slackLinkUrl('https://x.org/a|b<c>d')).toBe('https://x.org/a%7Cb%3Cc%3Ed');
    expect(slackLinkUrl('https://x.org/a&b')).toBe('https://x.org/a&amp;b');
    expect(slackLinkUrl('ftp://x.org')).toBeUndefined();
  });
});

describe('fitMrkdwn', () => {
  it('text that fits is returned whole, not marked as cut', () => {
    expect(fitMrkdwn([span.text('abc')], 3)).toEqual({ text: 'abc', cut: false });
    expect(fitMrkdwn([span.text('a '), span.mark('kv')], 6)).toEqual({ text: 'a *kv*', cut: false });
  });

  it('too long: cut on a word boundary, ending in an ellipsis, within the length', () => {
    expect(fitMrkdwn([span.text('alpha beta gamma delta')], 12)).toEqual({ text: 'alpha beta…', cut: true });
    expect(fitMrkdwn([span.text('alpha '), span.mark('beta gamma delta epsilon')], 20)).toEqual({ text: 'alpha *beta gamma…*', cut: true });
  });

  it('escaping that lengthens the text is taken into account', () => {
    expect(fitMrkdwn([span.text('Q&A on kv caches and more words')], 24)).toEqual({ text: 'Q&amp;A on kv caches…', cut: true });
  });

  it('a span one character over the room is still cut visibly, not kept whole with what follows dropped silently', () => {
    const rich = [span.text('We study '), span.text('compression of '), span.code('x'), span.link('links', 'https://x.org/a')];
    // 'We study compression of ' is 24 characters; the code and link do not fit in 24.
    expect(fitMrkdwn(rich, 24)).toEqual({ text: 'We study compression…', cut: true });
  });

  it('a link or code span that does not fit is dropped whole, never cut inside', () => {
    expect(fitMrkdwn([span.text('ab '), span.code('code here'), span.text(' tail')], 10)).toEqual({ text: 'ab …', cut: true });
    expect(fitMrkdwn([span.text('see '), span.link('the long link label', 'https://x.org')], 12)).toEqual({ text: 'see …', cut: true });
  });

  it('when even one character does not fit, just the ellipsis', () => {
    expect(fitMrkdwn([span.text('abc')], 1)).toEqual({ text: '…', cut: true });
    expect(fitMrkdwn([span.text('&&&&')], 4)).toEqual({ text: '…', cut: true });
  });

  it('the result never exceeds the length, for every length', () => {
    const rich = [span.text('We study '), span.mark('kv cache'), span.text(' & <compression> of '), span.code('x`y'), span.link('links', 'https://x.org/a')];
    const full = toMrkdwn(rich);
    for (let max = 1; max <= full.length; max++) {
      const out = fitMrkdwn(rich, max);
      expect(out.text.length, `max ${max}`).toBeLessThanOrEqual(max);
      expect(out.cut).toBe(max < full.length);
      // Whatever is left out, the reader sees that something is: the text ends in an ellipsis.
      if (out.cut) expect(out.text, `max ${max}`).toMatch(/…\*?$/);
    }
  });
});
