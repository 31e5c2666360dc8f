/** What the Slack and Discord adapters share (adapters/shared, src/text): one behaviour for both. */
import { describe, expect, it } from 'vitest';
import { fitMrkdwn, toMrkdwn } from '../../adapters/slack/mrkdwn.ts';
import { clean, cutWords as slackCutWords } from '../../adapters/slack/text.ts';
import { richMd } from '../../adapters/discord/rich.ts';
import { safeText } from '../../adapters/discord/markdown.ts';
import { cleanChatText, joinBoldRuns, linkableUrl } from '../../adapters/shared/text.ts';
import { errInfo, failureText, requestContext, scrubSecrets } from '../../adapters/shared/requests.ts';
import { CONTROL_CHARS, controlCharsIn, stripControlChars } from '../../src/text/control.ts';
import { cutWords, wordPrefix } from '../../src/text/cut.ts';
import { span } from '../../src/reply/reply.ts';

describe('control characters (src/text/control.ts)', () => {
  it('one definition: C0 but tab/LF/CR, DEL and C1 are controls', () => {
    expect(controlCharsIn('a\u0000b\u0007\u0007\tc\r\nd\u007f\u009b')).toEqual(['\u0000', '\u0007', '\u007f', '\u009b']);
    expect(controlCharsIn('plain text\twith\r\nbreaks')).toEqual([]);
    expect('x\u0001'.match(CONTROL_CHARS)).toEqual(['\u0001']);
  });

  it('stripping removes CR too; `invisible` also removes bidi controls and the BOM', () => {
    expect(stripControlChars('a\u0000b\rc\nd\te\u202Ef')).toBe('abc\nd\te\u202Ef');
    expect(stripControlChars('a\u202Eb\u2066c\uFEFFd', { invisible: true })).toBe('abcd');
  });
});

describe('chat text (adapters/shared/text.ts)', () => {
  it('Slack and Discord clean text the same way: line breaks kept as \\n, controls, bidi and BOM gone, lone surrogates replaced', () => {
    const raw = 'a\r\nb\rc\td\u0000e\u202Ef\uFEFFg\uD800h';
    expect(cleanChatText(raw)).toBe('a\nb\nc defg\uFFFDh');
    expect(clean(raw)).toBe(cleanChatText(raw));
    // Discord: the BOM is dropped and a lone surrogate replaced; Slack: a lone CR is a line break.
    expect(safeText('x\uFEFFy\uDC00z')).toBe('xy\uFFFDz');
    expect(clean('one\rtwo')).toBe('one\ntwo');
  });

  it('links only to http(s) (and mailto where allowed) URLs without spaces or controls', () => {
    expect(linkableUrl(' https://x.org/a ')).toBe('https://x.org/a');
    expect(linkableUrl('mailto:a@b.c')).toBeUndefined();
    expect(linkableUrl('mailto:a@b.c', { mailto: true })).toBe('mailto:a@b.c');
    expect(linkableUrl('javascript:alert(1)')).toBeUndefined();
    expect(linkableUrl('https://x.org/a b')).toBeUndefined();
    expect(linkableUrl('https://x.org/\u0007')).toBeUndefined();
  });

  it('bold runs are joined the same way on both platforms', () => {
    const rich = [span.mark('KV'), span.text(' '), span.mark('cache'), span.text(' and '), span.strong('a'), span.strong('b')];
    expect(joinBoldRuns(rich)).toEqual([span.mark('KV cache'), span.text(' and '), span.strong('ab')]);
    expect(toMrkdwn(rich)).toBe('*KV cache* and *ab*');
    expect(richMd(rich)).toBe('**KV cache** and **ab**');
    // Separated by a space or a hyphen: one run; by anything else: separate runs.
    const m = span.mark;
    const t = span.text;
    const snippet = [t('the '), m('KV'), t(' '), m('cache'), t(' and '), m('Key'), t('-'), m('Value'), t('.')];
    expect(toMrkdwn(snippet)).toBe('the *KV cache* and *Key-Value*.');
    expect(richMd(snippet)).toBe('the **KV cache** and **Key-Value**.');
    expect(richMd([m('KV'), t(' and '), m('cache')])).toBe('**KV** and **cache**');
    expect(toMrkdwn([m('KV'), t(' and '), m('cache')])).toBe('*KV* and *cache*');
    expect(richMd([m('KV'), t(', '), m('cache')])).toBe('**KV**, **cache**');
    expect(toMrkdwn([m('KV'), t(', '), m('cache')])).toBe('*KV*, *cache*');
    // A lone space between text spans is untouched.
    expect(toMrkdwn([t('a'), t(' '), m('b')])).toBe('a *b*');
    expect(toMrkdwn([m('a'), t(' '), t('b')])).toBe('*a* b');
  });

  it('a joined run is still cut within the budget', () => {
    const rich = [span.mark('alpha'), span.text(' '), span.mark('beta'), span.text(' '), span.mark('gamma'), span.text(' tail text here')];
    const discord = richMd(rich, 20);
    expect(discord.length).toBeLessThanOrEqual(20);
    expect(discord.endsWith('…')).toBe(true);
    const slack = fitMrkdwn(rich, 20);
    expect(slack.text.length).toBeLessThanOrEqual(20);
    expect(slack.cut).toBe(true);
  });
});

describe('word cutting (src/text/cut.ts)', () => {
  it('keeps a word that ends exactly at the cut, and trims dangling punctuation before the ellipsis', () => {
    expect(wordPrefix('alpha beta gamma', 10)).toBe('alpha beta');
    expect(cutWords('alpha beta. gamma delta', 13)).toBe('alpha beta…');
    expect(slackCutWords('alpha beta — gamma delta', 14)).toBe('alpha beta…');
    expect(cutWords('abc', 1)).toBe('…');
    expect(cutWords('abc', 0)).toBe('');
  });

  it('both renderers cut long text on a word boundary with one visible ellipsis', () => {
    const long = 'word '.repeat(100).trim();
    const slack = fitMrkdwn([span.text(long)], 50).text;
    const discord = richMd([span.text(long)], 50);
    for (const out of [slack, discord]) {
      expect(out.length).toBeLessThanOrEqual(50);
      expect(out).toMatch(/word…$/);
    }
  });
});

describe('requests (adapters/shared/requests.ts)', () => {
  it('builds the request context without ids the platform did not send', () => {
    expect(requestContext('discord', { userId: 'U1', channelId: null, workspaceId: undefined })).toEqual({ platform: 'discord', userId: 'U1' });
    expect(requestContext('slack', { userId: 'U1', channelId: 'C1', workspaceId: 'T1' })).toEqual({
      platform: 'slack',
      userId: 'U1',
      channelId: 'C1',
      workspaceId: 'T1',
    });
  });

  it('scrubs Slack and Discord secrets alike', () => {
    const discordToken = ['MTAxMjM0NTY3ODkwMTIzNDU2Nzg', 'GaBcDe', 'abcdefghijklmnopqrstuvwxyz0123456789AB'].join('.');
    const text = `xoxb-1-2-abc v0=${'a'.repeat(64)} ${discordToken} /webhooks/123/tok.en-x/messages/@original /interactions/9/tok/callback`;
    expect(scrubSecrets(text)).toBe('[redacted] [redacted] [redacted] /webhooks/123/[redacted]/messages/@original /interactions/9/[redacted]/callback');
    const info = errInfo(new Error(`failed with ${discordToken}`));
    expect(JSON.stringify(info)).not.toContain(discordToken);
  });

  it('tells the user a reference id', () => {
    expect(failureText('abcd1234')).toBe('Sorry, something went wrong on our side (ref abcd1234).');
  });
});
