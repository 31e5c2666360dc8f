/**
 * Which reactions count as votes. Pure.
 *
 * Slack names emoji (`+1`, `thumbsup`, `+1::skin-tone-2`, `fire`); Discord sends the unicode
 * character (`👍`, `👍🏽`, `❤️`) or a custom emoji's name. Both are reduced to one key: the unicode
 * character without skin tone or variation selector when the name is a known one, else `:name:`.
 * A setting lists emoji either way (`👍 ⭐ ❤️ 🔥`, `+1,star,heart,fire`, `:tada:`).
 */

/** The default vote emoji: 👍 ⭐ ❤️ 🔥. */
export const DEFAULT_VOTE_EMOJI: readonly string[] = ['👍', '⭐', '❤️', '🔥'];

/** At most this many emoji in the setting. */
export const MAX_VOTE_EMOJI = 20;

/**
 * Slack short names of common emoji (and their aliases) -> the character. Names not listed here
 * still work as `:name:` on both platforms (a Slack name, a Discord custom emoji name).
 */
const NAMED: Record<string, string> = {
  '+1': '👍',
  thumbsup: '👍',
  star: '⭐',
  star2: '🌟',
  heart: '❤',
  heavy_heart_exclamation_mark_ornament: '❣',
  orange_heart: '🧡',
  yellow_heart: '💛',
  green_heart: '💚',
  blue_heart: '💙',
  purple_heart: '💜',
  heart_eyes: '😍',
  fire: '🔥',
  tada: '🎉',
  rocket: '🚀',
  eyes: '👀',
  '100': '💯',
  clap: '👏',
  raised_hands: '🙌',
  white_check_mark: '✅',
  heavy_check_mark: '✔',
  arrow_up: '⬆',
  bulb: '💡',
  brain: '🧠',
  books: '📚',
  bookmark: '🔖',
  pushpin: '📌',
  sparkles: '✨',
  muscle: '💪',
  ok_hand: '👌',
  thumbsdown: '👎',
  '-1': '👎',
};

/** Skin tone modifiers (U+1F3FB–U+1F3FF) and variation selectors (U+FE0E, U+FE0F). */
const MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\u{FE0E}\u{FE0F}]/gu;
/** Emoji characters and the parts of emoji sequences (digits, ZWJ, keycap, flags, tags). */
const EMOJI_ONLY = /^[\p{Extended_Pictographic}\p{Emoji_Component}]+$/u;
/** At least one pictograph, flag letter or keycap (digits alone are no emoji). */
const HAS_EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u20e3]/u;
/** A short name as Slack and Discord custom emoji spell them. */
const NAME = /^[\p{L}\p{N}_+'-]{1,64}$/u;

/**
 * The key of an emoji as a platform sends it or a setting lists it; undefined when it is not
 * an emoji name or character (empty, spaces, control characters).
 */
export function emojiKey(raw: string): string | undefined {
  let t = raw.trim();
  if (t === '' || /[\p{Cc}\s]/u.test(t)) return undefined;
  // `:+1::skin-tone-2:` (as typed in Slack) and `+1::skin-tone-2` (as its events send it).
  t = t.replace(/::skin-tone-\d$/, '').replace(/:skin-tone-\d:$/, '');
  if (/^:[^:]+:$/.test(t)) t = t.slice(1, -1);
  if (NAME.test(t) && /^[\x20-\x7e]+$/.test(t)) {
    const name = t.toLowerCase();
    return NAMED[name] ?? `:${name}:`;
  }
  if (NAME.test(t)) return `:${t.toLowerCase()}:`;
  // A character (or a ZWJ sequence): no skin tone, no variation selector.
  const bare = t.replace(MODIFIERS, '');
  return EMOJI_ONLY.test(bare) && HAS_EMOJI.test(bare) && bare.length <= 32 ? bare : undefined;
}

/** How a key is shown to people: the character, or the `:name:`. */
export function emojiLabel(key: string): string {
  return key === '❤' ? '❤️' : key === '⬆' ? '⬆️' : key === '✔' ? '✔️' : key === '❣' ? '❣️' : key;
}

export type VoteEmojiParse = { ok: true; emoji: string[] } | { ok: false; problem: string };

/**
 * A setting's emoji list: separated by commas and/or spaces, each a character or a short name.
 * Duplicates (👍 and `+1`) count once. An empty setting means the default.
 */
export function parseVoteEmoji(setting: string | undefined): VoteEmojiParse {
  const words = (setting ?? '').split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0) return { ok: true, emoji: [...DEFAULT_VOTE_EMOJI] };
  if (words.length > MAX_VOTE_EMOJI) return { ok: false, problem: `at most ${MAX_VOTE_EMOJI} emoji (got ${words.length})` };
  const out: string[] = [];
  const keys = new Set<string>();
  for (const w of words) {
    const key = emojiKey(w);
    if (!key) return { ok: false, problem: `"${w.slice(0, 20)}" is not an emoji or an emoji name (e.g. 👍, +1, :fire:)` };
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(w);
  }
  return { ok: true, emoji: out };
}

/** The emoji that count as votes, matched by key. */
export class VoteEmoji {
  readonly #keys: Set<string>;
  /** The keys in setting order (for messages). */
  readonly keys: readonly string[];

  constructor(emoji: readonly string[] = DEFAULT_VOTE_EMOJI) {
    const keys = emoji.map(emojiKey).filter((k): k is string => k !== undefined);
    this.keys = [...new Set(keys)];
    this.#keys = new Set(this.keys);
  }

  /** The key of `raw` when it counts as a vote, else undefined. */
  match(raw: string): string | undefined {
    const key = emojiKey(raw);
    return key !== undefined && this.#keys.has(key) ? key : undefined;
  }

  /** `👍 ⭐ ❤️ 🔥`. */
  get label(): string {
    return this.keys.map(emojiLabel).join(' ');
  }
}
