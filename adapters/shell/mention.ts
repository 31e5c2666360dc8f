/** Reading a command out of a shell line that starts by addressing the bot, as in a chat. Pure. */

/**
 * A leading mention of the bot, as people type it in Slack and Discord and paste it here:
 * `@Paperboy`/`@paperboy` (any case), or a chat mention token (`<@U123ABC>`, `<@U123|paperboy>`,
 * `<@!123456>`, `<@&role>`), then any spaces, commas or colons after it.
 */
const LEADING_MENTION = /^\s*(?:@paperboy(?![\p{L}\p{N}_-])|<@[!&]?[A-Za-z0-9]+(?:\|[^<>]*)?>)[\s,:]*/iu;

/**
 * The command text of a shell line: leading mentions of the bot removed (`@Paperboy show snapkv`
 * is `show snapkv`, as in a chat), and the result trimmed. A mention of someone else, or one later
 * in the line, stays: it is part of what was asked. A bare mention gives `''`.
 */
export function stripLeadingMention(line: string): string {
  let text = line.trim();
  for (let m = LEADING_MENTION.exec(text); m !== null && m[0] !== ''; m = LEADING_MENTION.exec(text)) text = text.slice(m[0].length);
  return text.trim();
}
