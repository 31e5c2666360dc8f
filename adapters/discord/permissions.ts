/**
 * The channel permissions the bot needs, and its invite URL. Nothing more is requested:
 * - View Channel: see the channel and receive its mention events;
 * - Send Messages / Send Messages in Threads: reply in channels and in threads;
 * - Embed Links: replies are embeds (without it Discord drops them);
 * - Read Message History: Discord requires it to reply to a message (message_reference).
 * Slash commands, autocomplete and buttons need no bot permission (the `applications.commands`
 * scope covers them); mentions and DMs need no privileged intent.
 */
export const PERMISSION_BITS = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  ReadMessageHistory: 1n << 16n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** The permission bitfield to request when inviting the bot. */
export const BOT_PERMISSIONS: bigint = Object.values(PERMISSION_BITS).reduce((a, b) => a | b, 0n);

/** OAuth2 URL that adds the bot (with its slash command) to a server, asking only for `BOT_PERMISSIONS`. */
export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: BOT_PERMISSIONS.toString() });
  return `https://discord.com/oauth2/authorize?${q.toString()}`;
}
