/**
 * Slack reaction events as the core receives them (`paperboy.reacted`): which are passed on, with
 * which ids, and what happens to the ones that are not.
 */
import { describe, expect, it } from 'vitest';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { ReactionEvent } from '../../src/core/post-events.ts';
import { ReactionHandler } from '../../adapters/slack/reactions.ts';
import { capturedLogger } from './slack-harness.ts';

const BOT = 'UBOT0001';

function setup(opts: { reacted?: (e: ReactionEvent) => Promise<void>; botUserId?: string | undefined } = {}) {
  const reported: ReactionEvent[] = [];
  const paperboy = { reacted: opts.reacted ?? (async (e: ReactionEvent) => void reported.push(e)) } as unknown as Paperboy;
  const log = capturedLogger();
  const botUserId = 'botUserId' in opts ? opts.botUserId : BOT;
  const handler = new ReactionHandler({ paperboy, logger: log.logger, botUserId: () => botUserId });
  return { handler, reported, log };
}

const event = (over: Record<string, unknown> = {}) => ({
  type: 'reaction_added',
  user: 'U0002',
  reaction: '+1',
  item_user: BOT,
  item: { type: 'message', channel: 'C0001', ts: '1700000001.000100' },
  event_ts: '1700000002.000100',
  ...over,
});

describe('Slack reactions handed to the core', () => {
  it('an added reaction on a message: who, which emoji, which message in which workspace, added', async () => {
    const { handler, reported, log } = setup();
    await handler.handle(event({ reaction: '+1::skin-tone-2' }), 'T0001');
    expect(reported).toEqual([
      { platform: 'slack', workspaceId: 'T0001', channelId: 'C0001', messageId: '1700000001.000100', userId: 'U0002', emoji: '+1::skin-tone-2', added: true },
    ]);
    expect(log.lines).toEqual([]);
  });

  it('a removed reaction is reported as not added', async () => {
    const { handler, reported } = setup();
    await handler.handle(event({ type: 'reaction_removed', reaction: 'fire' }), 'T0001');
    expect(reported).toEqual([expect.objectContaining({ emoji: 'fire', added: false, messageId: '1700000001.000100' })]);
  });

  it('without a team id in the envelope (or an empty or non-string one) the event names no workspace', async () => {
    const { handler, reported } = setup();
    for (const teamId of [undefined, '', 42]) await handler.handle(event(), teamId);
    expect(reported).toHaveLength(3);
    for (const r of reported) expect(r).not.toHaveProperty('workspaceId');
  });

  it('reactions on files and file comments, or on a message item without channel or ts, are not reported', async () => {
    const { handler, reported, log } = setup();
    await handler.handle(event({ item: { type: 'file', file: 'F0001' } }), 'T0001');
    await handler.handle(event({ item: { type: 'file', channel: 'C0001', ts: '1700000001.000100' } }), 'T0001');
    await handler.handle(event({ item: { type: 'message', ts: '1700000001.000100' } }), 'T0001');
    await handler.handle(event({ item: { type: 'message', channel: 'C0001' } }), 'T0001');
    expect(reported).toEqual([]);
    // They are Slack events Paperboy understands and skips: nothing for an operator.
    expect(log.lines).toEqual([]);
    // The same reaction on a message is reported (the skipping above was about the item).
    await handler.handle(event(), 'T0001');
    expect(reported).toHaveLength(1);
  });

  it("the bot's own reactions are not reported; before the bot knows its id, every reaction is", async () => {
    const { handler, reported } = setup();
    await handler.handle(event({ user: BOT }), 'T0001');
    expect(reported).toEqual([]);
    const early = setup({ botUserId: undefined });
    await early.handler.handle(event({ user: 'U0003' }), 'T0001');
    expect(early.reported.map((r) => r.userId)).toEqual(['U0003']);
  });

  it('an event it cannot read is skipped with a warning', async () => {
    const { handler, reported, log } = setup();
    await handler.handle(event({ user: '' }), 'T0001');
    await handler.handle({ type: 'reaction_added' }, 'T0001');
    await handler.handle(event({ type: 'reaction_changed' }), 'T0001');
    expect(reported).toEqual([]);
    expect(log.at('warn')).toHaveLength(3);
  });

  it('a core that fails on a reaction does not reject: the failure is logged as an error with the channel', async () => {
    const { handler, log } = setup({ reacted: () => Promise.reject(new Error('vote store down')) });
    await expect(handler.handle(event(), 'T0001')).resolves.toBeUndefined();
    expect(log.at('error')).toEqual([expect.objectContaining({ channel: 'C0001', err: expect.objectContaining({ message: 'vote store down' }) })]);
  });
});
