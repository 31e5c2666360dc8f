/**
 * Slack text -> core command text. Slack sends message and command text with `&`, `<`, `>` escaped
 * and mentions/links/channels as `<...>` tokens; the core wants what the person typed.
 */

/** Decode Slack's three entities (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Replace Slack tokens by their visible text: `<@U1|ann>` -> `@ann`, `<@U1>` -> `@U1`,
 * `<#C1|general>` -> `#general`, `<!here>` -> `@here`, `<https://x|x>` -> `x`, `<https://x>` -> `https://x`.
 */
export function slackTokensToText(s: string): string {
  return s.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : '';
    if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
    if (target.startsWith('!')) return `@${label || target.slice(1).split('^')[0]}`;
    return label || target;
  });
}

/** Remove a leading mention of the bot (`<@UBOT>` or `<@UBOT|paperboy>`), anywhere-leading spaces too. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.replace(/^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>[\s,:]*/, '');
  const re = new RegExp(`<@${botUserId}(\\|[^>]*)?>[\\s,:]*`, 'g');
  return text.replace(re, ' ');
}

/**
 * Command text from a slash command, mention or DM: bot mention removed, tokens made readable,
 * entities decoded, whitespace collapsed. Empty text means `help`.
 */
export function commandText(raw: string | undefined, botUserId?: string): string {
  const text = unescapeSlack(slackTokensToText(stripBotMention(raw ?? '', botUserId)))
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? 'help' : text;
}
