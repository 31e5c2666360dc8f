/** Reading a command out of a message that mentions the bot. Pure. */

/**
 * The command text of a message: every mention of the bot (`<@id>`, `<@!id>`, and the bot's own
 * role `<@&role>` when known) removed and whitespace collapsed. A bare mention gives `''`.
 */
export function commandTextFromMessage(content: string, botUserId: string, botRoleId?: string): string {
  let text = content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), ' ');
  if (botRoleId) text = text.replace(new RegExp(`<@&${botRoleId}>`, 'g'), ' ');
  return text.replace(/[ \t\r\n]+/g, ' ').trim();
}
