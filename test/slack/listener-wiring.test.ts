/**
 * The Slack listeners (`registerListeners`) on a recording stand-in for the Bolt app: which Slack
 * requests reach which handler, acknowledged first; duplicate event deliveries; foreign buttons;
 * unhandled errors; and what is reported to the core as posted (votes).
 */
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { registerListeners } from '../../adapters/slack/listeners.ts';
import { seenBefore } from '../../adapters/shared/seen.ts';
import { InFlight } from '../../adapters/shared/in-flight.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { PostedMessage, ReactionEvent } from '../../src/core/post-events.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { capturedLogger, fakeClient, fakeRespond, platformError } from './slack-harness.ts';

type Listener = (args: Record<string, unknown>) => Promise<void> | void;

/** What registerListeners registered, and a way to deliver a request to it as Bolt would. */
function recordingApp() {
  const middleware: Listener[] = [];
  const commands: [RegExp, Listener][] = [];
  const events = new Map<string, Listener>();
  const actions: [RegExp, Listener][] = [];
  const errors: ((err: unknown) => Promise<void>)[] = [];
  const app = {
    use: (fn: Listener) => void middleware.push(fn),
    command: (p: RegExp, fn: Listener) => void commands.push([p, fn]),
    event: (name: string, fn: Listener) => void events.set(name, fn),
    action: (p: RegExp, fn: Listener) => void actions.push([p, fn]),
    error: (fn: (err: unknown) => Promise<void>) => void errors.push(fn),
  } as unknown as App;

  /** Run the middleware, then (if it calls next) `listen`. Resolves with whether the listener ran. */
  const dispatch = async (body: Record<string, unknown>, context: Record<string, unknown>, listen: () => Promise<void>): Promise<boolean> => {
    let ran = false;
    const next = async () => {
      ran = true;
      await listen();
    };
    await middleware[0]!({ body, context, next });
    return ran;
  };
  return {
    app,
    middleware,
    errors,
    /** The listeners whose pattern matches a command name / action id (Bolt runs each). */
    commandsFor: (name: string) => commands.filter(([p]) => p.test(name)).map(([, fn]) => fn),
    actionsFor: (id: string) => actions.filter(([p]) => p.test(id)).map(([, fn]) => fn),
    event: (name: string) => events.get(name),
    dispatch,
  };
}

/** A core that answers `text` with a one-paragraph reply; `personal` for `saved`. */
function fakeCore(opts: { wants?: boolean } = {}) {
  const posts: { post: PostedMessage; reply: Reply }[] = [];
  const reactions: ReactionEvent[] = [];
  const runs: { text: string; ctx: RequestContext }[] = [];
  const paperboy = {
    run: async (text: string, ctx: RequestContext): Promise<Reply> => {
      runs.push({ text, ctx });
      return {
        tone: 'ok',
        summary: `answer to ${text}`,
        blocks: [{ kind: 'paragraph', text: [{ kind: 'text', text: `answer to ${text}` }] }],
        ...(text === 'saved' ? { personal: true } : {}),
      };
    },
    wantsPost: () => opts.wants ?? true,
    posted: async (post: PostedMessage, reply: Reply) => void posts.push({ post, reply }),
    reacted: async (e: ReactionEvent) => void reactions.push(e),
  } as unknown as Paperboy;
  return { paperboy, posts, reactions, runs };
}

function setup(opts: { wants?: boolean } = {}) {
  const rec = recordingApp();
  const core = fakeCore(opts);
  const log = capturedLogger();
  const inflight = new InFlight();
  registerListeners(rec.app, {
    paperboy: core.paperboy,
    logger: log.logger,
    botUserId: () => 'UBOT0001',
    seen: seenBefore({ ttlMs: 60_000 }),
    inflight,
  });
  return { ...rec, ...core, log, inflight, slack: fakeClient() };
}

const mention = (over: Record<string, unknown> = {}) => ({
  type: 'app_mention',
  user: 'U0001',
  text: '<@UBOT0001> show snapkv',
  ts: '1700000100.000100',
  channel: 'C0001',
  team: 'T0001',
  ...over,
});

describe('Slack listeners: routing', () => {
  it('a slash command (any /name) is acknowledged before it is answered through its response_url', async () => {
    const s = setup();
    for (const name of ['/papers', '/papers-dev']) expect(s.commandsFor(name), name).toHaveLength(1);
    expect(s.commandsFor('papers')).toHaveLength(0);
    const order: string[] = [];
    const r = fakeRespond();
    const respond = async (args: Parameters<typeof r.respond>[0]) => {
      order.push('respond');
      return r.respond(args);
    };
    const command = { command: '/papers', text: 'search kv', user_id: 'U0001', channel_id: 'C0001', response_url: 'https://hooks.slack.com/commands/1/2/3' };
    const [listener] = s.commandsFor('/papers');
    await listener!({ ack: async () => void order.push('ack'), command, respond });
    expect(order).toEqual(['ack', 'respond']);
    expect(r.sent[0]).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('answer to search kv') });
  });

  it('mentions, DMs and reactions reach their handlers, and the work is tracked until answered', async () => {
    const s = setup();
    const work = s.event('app_mention')!({ context: {}, event: mention(), client: s.slack.client });
    expect(s.inflight.size).toBe(1);
    await work;
    expect(s.inflight.size).toBe(0);
    await s.event('message')!({
      context: {},
      event: { type: 'message', channel_type: 'im', user: 'U0001', text: 'stats', ts: '1.2', channel: 'D0001' },
      client: s.slack.client,
    });
    expect(s.runs.map((r) => r.text)).toEqual(['show snapkv', 'stats']);
    expect(s.slack.callsTo('postMessage').map((a) => a.channel)).toEqual(['C0001', 'D0001']);

    const item = { type: 'message', channel: 'C0001', ts: '1700000001.000100' };
    await s.event('reaction_added')!({ context: {}, event: { type: 'reaction_added', user: 'U0002', reaction: 'fire', item }, body: { team_id: 'T0001' } });
    await s.event('reaction_removed')!({ context: {}, event: { type: 'reaction_removed', user: 'U0002', reaction: 'fire', item }, body: { team_id: 'T0001' } });
    expect(s.reactions).toEqual([
      expect.objectContaining({ workspaceId: 'T0001', messageId: '1700000001.000100', added: true }),
      expect.objectContaining({ workspaceId: 'T0001', messageId: '1700000001.000100', added: false }),
    ]);
  });

  it("a Paperboy button is acknowledged, then answered; another app's button is only acknowledged (debug log)", async () => {
    const s = setup();
    expect(s.actionsFor('pb:run:1')).toHaveLength(1);
    expect(s.actionsFor('pb:page:next.by-U0001')).toHaveLength(1);
    expect(s.actionsFor('other:button')).toHaveLength(1);

    const order: string[] = [];
    const r = fakeRespond();
    const body = {
      type: 'block_actions',
      user: { id: 'U0002' },
      channel: { id: 'C0001' },
      container: { type: 'message', message_ts: '1700000001.000100', channel_id: 'C0001', is_ephemeral: true },
      actions: [{ type: 'button', action_id: 'pb:run:1', value: 'abstract snapkv' }],
    };
    const respond = async (args: Parameters<typeof r.respond>[0]) => {
      order.push('respond');
      return r.respond(args);
    };
    await s.actionsFor('pb:run:1')[0]!({ ack: async () => void order.push('ack'), body, respond, client: s.slack.client });
    expect(order).toEqual(['ack', 'respond']);
    expect(s.runs.map((x) => x.text)).toEqual(['abstract snapkv']);

    let acked = false;
    await s.actionsFor('other:button')[0]!({ ack: async () => void (acked = true), body: { type: 'block_actions' } });
    expect(acked).toBe(true);
    expect(s.runs).toHaveLength(1);
    expect(s.log.at('debug')).toEqual([expect.objectContaining({ type: 'block_actions' })]);
  });

  it('an error no listener caught is logged as an error with its Slack reason', async () => {
    const s = setup();
    await s.errors[0]!(platformError('invalid_auth'));
    // Tagged as the Slack adapter's, so an operator can tell it from Discord's.
    expect(s.log.at('error')).toEqual([
      expect.objectContaining({ component: 'slack', reason: 'invalid_auth', err: expect.objectContaining({ message: expect.any(String) }) }),
    ]);
  });
});

describe('Slack listeners: duplicate deliveries', () => {
  it('an event id seen before is not handled again (logged at info with the retry); a new one is', async () => {
    const s = setup();
    let runs = 0;
    const listen = async () => void (runs += 1);
    expect(await s.dispatch({ event_id: 'Ev0001' }, {}, listen)).toBe(true);
    expect(await s.dispatch({ event_id: 'Ev0001' }, { retryNum: 1, retryReason: 'http_timeout' }, listen)).toBe(false);
    expect(await s.dispatch({ event_id: 'Ev0002' }, {}, listen)).toBe(true);
    expect(runs).toBe(2);
    expect(s.log.at('info')).toEqual([expect.objectContaining({ eventId: 'Ev0001', retryNum: 1, retryReason: 'http_timeout' })]);
  });

  it('requests without an event id (commands, buttons) always go through', async () => {
    const s = setup();
    let runs = 0;
    const listen = async () => void (runs += 1);
    for (let i = 0; i < 2; i++) await s.dispatch({ command: '/papers' }, {}, listen);
    await s.dispatch({ event_id: 42 }, {}, listen);
    await s.dispatch({ event_id: 42 }, {}, listen);
    expect(runs).toBe(4);
    expect(s.log.lines).toEqual([]);
  });
});

describe('Slack listeners: answers reported to the core as posted (votes)', () => {
  it('a mention answer posted in a channel is reported with its channel, ts and workspace', async () => {
    const s = setup();
    await s.event('app_mention')!({ context: {}, event: mention(), client: s.slack.client });
    expect(s.slack.calls.map((c) => c.method)).toEqual(['postMessage']);
    expect(s.posts).toEqual([
      {
        post: { platform: 'slack', channelId: 'C0001', messageId: '1800000001.000100', workspaceId: 'T0001' },
        reply: expect.objectContaining({ summary: 'answer to show snapkv' }),
      },
    ]);
  });

  it('without a team the post names no workspace', async () => {
    const s = setup();
    await s.event('app_mention')!({ context: {}, event: mention({ team: undefined }), client: s.slack.client });
    expect(s.posts).toHaveLength(1);
    expect(s.posts[0]!.post).not.toHaveProperty('workspaceId');
  });

  it('nothing is reported when no observer wants the reply, or when Slack answered without a ts', async () => {
    const s = setup({ wants: false });
    await s.event('app_mention')!({ context: {}, event: mention(), client: s.slack.client });
    expect(s.slack.callsTo('postMessage')).toHaveLength(1);
    expect(s.posts).toEqual([]);

    const t = setup();
    const client = { chat: { postMessage: async () => ({ ok: true }) } } as unknown as App['client'];
    await t.event('app_mention')!({ context: {}, event: mention(), client });
    expect(t.runs).toHaveLength(1);
    expect(t.posts).toEqual([]);
  });

  it('a personal answer asked in a channel goes to the asker alone and is not reported', async () => {
    const s = setup();
    await s.event('app_mention')!({ context: {}, event: mention({ text: '<@UBOT0001> saved' }), client: s.slack.client });
    expect(s.slack.calls.map((c) => c.method)).toEqual(['postEphemeral']);
    expect(s.posts).toEqual([]);
    // The same command in a DM is answered there like any other.
    await s.event('message')!({
      context: {},
      event: { type: 'message', channel_type: 'im', user: 'U0001', text: 'saved', ts: '1.2', channel: 'D0001' },
      client: s.slack.client,
    });
    expect(s.slack.calls.map((c) => c.method)).toEqual(['postEphemeral', 'postMessage']);
  });
});
