/** How the core names a Slack message of ours for follow-ups in its thread: channel and timestamp. */
export function slackPostRef(channelId: string, ts: string): string {
  return `${channelId}/${ts}`;
}
