import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { DEFAULT_VOTE_EMOJI, VoteEmoji, emojiKey, parseVoteEmoji } from '../../src/votes/emoji.ts';

describe('emojiKey: one key for every spelling of an emoji', () => {
  it.each([
    // Slack short names, aliases, skin tones; Discord unicode, skin tones, variation selectors.
    ['+1', '👍'],
    ['thumbsup', '👍'],
    ['+1::skin-tone-2', '👍'],
    ['thumbsup::skin-tone-6', '👍'],
    [':+1:', '👍'],
    [':thumbsup::skin-tone-3:', '👍'],
    ['👍', '👍'],
    ['👍🏽', '👍'],
    ['👍🏿', '👍'],
    ['star', '⭐'],
    ['⭐', '⭐'],
    ['heart', '❤'],
    ['❤️', '❤'],
    ['❤', '❤'],
    ['fire', '🔥'],
    ['FIRE', '🔥'],
    ['🔥', '🔥'],
    ['tada', '🎉'],
    ['party-parrot', ':party-parrot:'],
    [':paperboy_upvote:', ':paperboy_upvote:'],
    ['1️⃣', '1⃣'],
  ])('%s -> %s', (raw, key) => {
    expect(emojiKey(raw)).toBe(key);
  });

  it.each(['', '   ', 'two words', 'a\u0000b', 'x!', 'kv cache', 'abc😀', ':', '::'])('%j is not an emoji', (raw) => {
    expect(emojiKey(raw)).toBeUndefined();
  });
});

describe('VoteEmoji', () => {
  it('counts the defaults 👍 ⭐ ❤️ 🔥 as Slack names them and as Discord sends them', () => {
    const e = new VoteEmoji();
    expect(e.label).toBe('👍 ⭐ ❤️ 🔥');
    const counted: [string, string][] = [
      ['+1', '👍'],
      ['thumbsup', '👍'],
      ['+1::skin-tone-4', '👍'],
      ['star', '⭐'],
      ['heart', '❤'],
      ['fire', '🔥'],
      ['👍', '👍'],
      ['👍🏻', '👍'],
      ['⭐', '⭐'],
      ['❤️', '❤'],
      ['🔥', '🔥'],
    ];
    for (const [raw, key] of counted) expect(e.match(raw), raw).toBe(key);
    for (const raw of ['-1', '👎', 'eyes', '👀', 'tada', 'heart_eyes', 'star2', 'broken_heart', '💔', '', 'thumbsup::skin-tone-9x']) {
      expect(e.match(raw), raw).toBeUndefined();
    }
    // Two spellings are one key: adding 👍 then removing +1 is the same reaction.
    expect(e.match('+1::skin-tone-2')).toBe(e.match('👍'));
  });

  it('counts only the configured emoji, listed as characters or names', () => {
    const e = new VoteEmoji(['tada', ':party-parrot:', '🚀']);
    expect(e.match('🎉')).toBe('🎉');
    expect(e.match('tada')).toBe('🎉');
    expect(e.match('party-parrot')).toBe(':party-parrot:');
    expect(e.match('rocket')).toBe('🚀');
    expect(e.match('+1')).toBeUndefined();
    expect(e.label).toBe('🎉 :party-parrot: 🚀');
  });
});

describe('parseVoteEmoji and VOTE_EMOJI', () => {
  it('reads comma and space separated lists, dropping repeats; empty means the default', () => {
    expect(parseVoteEmoji('👍, ⭐ fire,:tada:')).toEqual({ ok: true, emoji: ['👍', '⭐', 'fire', ':tada:'] });
    expect(parseVoteEmoji('+1 👍 thumbsup')).toEqual({ ok: true, emoji: ['+1'] });
    expect(parseVoteEmoji('')).toEqual({ ok: true, emoji: [...DEFAULT_VOTE_EMOJI] });
    expect(parseVoteEmoji(undefined)).toEqual({ ok: true, emoji: [...DEFAULT_VOTE_EMOJI] });
  });

  it('refuses what is not an emoji, and too many', () => {
    expect(parseVoteEmoji('👍 x!')).toEqual({ ok: false, problem: expect.stringMatching(/"x!" is not an emoji/) });
    const many = Array.from({ length: 21 }, (_, i) => `e${i}`).join(' ');
    expect(parseVoteEmoji(many)).toEqual({ ok: false, problem: expect.stringMatching(/at most 20/) });
  });

  it('is validated with the other settings, and absent by default', () => {
    const ok = loadConfig({ VOTE_EMOJI: 'tada, 🚀' }, { platforms: false });
    expect(ok.ok && ok.config.voteEmoji).toEqual(['tada', '🚀']);
    const none = loadConfig({ VOTE_EMOJI: '  ' }, { platforms: false });
    expect(none.ok && none.config.voteEmoji).toBeUndefined();
    const bad = loadConfig({ VOTE_EMOJI: 'tada, what?', LOG_LEVEL: 'loud' }, { platforms: false });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/^VOTE_EMOJI: "what\?" is not an emoji/), expect.stringMatching(/^LOG_LEVEL:/)]),
      );
    }
  });
});
