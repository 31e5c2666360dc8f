import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defuseMentions, escapeMarkdown, labelText, markdownLinkUrl, mdLink, safeText } from '../../adapters/discord/markdown.ts';
import { cleanChatText } from '../../adapters/shared/text.ts';
import { richMd } from '../../adapters/discord/rich.ts';
import { cutWords, wordPrefix } from '../../src/text/cut.ts';
import { span } from '../../src/reply/reply.ts';

describe('escapeMarkdown', () => {
  it('escapes inline markdown', () => {
    expect(escapeMarkdown('**bold** __u__ ~~s~~ `c` ||spoiler|| [x](y)')).toBe(
      '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| \\[x\\](y)',
    );
  });
  it('escapes block markdown only at a line start', () => {
    expect(escapeMarkdown('# h\n> q\n- l\n1. n\n-# small')).toBe('\\# h\n\\> q\n\\- l\n1\\. n\n\\-# small');
    expect(escapeMarkdown('a - b # c > d 1. e')).toBe('a - b # c > d 1. e');
    expect(escapeMarkdown('- mid-line piece', false)).toBe('- mid-line piece');
    expect(escapeMarkdown('x\n- next line', false)).toBe('x\n\\- next line');
  });
  it('leaves bare URLs intact', () => {
    expect(escapeMarkdown('see https://github.com/a_b/c*d and _x_')).toBe('see https://github.com/a_b/c*d and \\_x\\_');
  });
  it('escapes custom emoji, timestamps and backslashes', () => {
    expect(escapeMarkdown('<:e:1> <t:1:R> a\\b')).toBe('\\<:e:1> \\<t:1:R> a\\\\b');
  });
});

describe('mentions and controls', () => {
  it('defuses @everyone, @here, user/role/channel mentions', () => {
    const out = defuseMentions('@everyone @here <@123> <@!456> <@&789> <#42>');
    expect(out).not.toMatch(/@everyone|@here|<@\d|<@!\d|<@&\d|<#\d/);
    expect(out.replace(/\u200b/g, '')).toBe('@everyone @here <@123> <@!456> <@&789> <#42>');
  });
  it('safeText defuses after escaping', () => {
    const out = safeText('hi @everyone <@&123>');
    expect(out).not.toMatch(/@everyone|<@&\d/);
  });
  it('strips control and bidi characters, keeps newlines', () => {
    expect(cleanChatText('a\u0000b\u0007c\r\nd\te\u202Ef\u009b')).toBe('abc\nd ef');
  });
  it('labelText collapses whitespace', () => {
    expect(labelText('  a \n b\u0001 @here ')).toBe('a b @\u200bhere');
  });
});

describe('links', () => {
  it('accepts only http(s) and encodes link-breaking characters', () => {
    expect(markdownLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(markdownLinkUrl('not a url')).toBeUndefined();
    expect(markdownLinkUrl('https://x.org/a_(b)')).toBe('https://x.org/a_%28b%29');
  });
  it('escapes link text brackets', () => {
    expect(mdLink('a]b[c', 'https://x.org')).toBe('[a\\]b\\[c](https://x.org/)');
    expect(mdLink('text', 'ftp://x')).toBe('text');
  });
});

describe('truncation', () => {
  it('cuts on a word boundary with a visible ellipsis', () => {
    expect(cutWords('alpha beta gamma delta', 14)).toBe('alpha beta…');
    expect(cutWords('short', 10)).toBe('short');
    expect(wordPrefix('abcdefghij', 5)).toBe('abcde');
  });
  it('never splits a surrogate pair', () => {
    const s = '😀'.repeat(10);
    const cut = cutWords(s, 6);
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.slice(0, -1)).toBe('😀'.repeat(2));
  });
  it('richMd keeps markup balanced when cutting inside a bold span', () => {
    const out = richMd([span.text('the '), span.mark('very long marked phrase here'), span.text(' end')], 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out.endsWith('…')).toBe(true);
    expect((out.match(/\*\*/g) ?? []).length % 2).toBe(0);
  });
  it('richMd never exceeds its budget and always shows a cut', () => {
    const spanArb = fc.oneof(
      fc.string({ maxLength: 60 }).map(span.text),
      fc.string({ maxLength: 30 }).map(span.mark),
      fc.string({ maxLength: 20 }).map(span.code),
      fc.tuple(fc.string({ maxLength: 20 }), fc.webUrl()).map(([t, u]) => span.link(t, u)),
    );
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 12 }), fc.integer({ min: 1, max: 200 }), (rich, max) => {
        const full = richMd(rich);
        const out = richMd(rich, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (full.length <= max) expect(out).toBe(full);
        else expect(out.endsWith('…')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
