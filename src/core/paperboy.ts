import { randomBytes } from 'node:crypto';
import type { Command, CommandDeps } from '../commands/command.ts';
import type { RequestContext } from '../reply/context.ts';
import { span, type Block, type Reply } from '../reply/reply.ts';
import type { Paper } from '../papers/paper.ts';
import { cleanText, cleanWords, derivedInput, dispatchClean, withQuoteNote, type CleanInput } from '../commands/dispatch.ts';
import { describedTopic } from '../commands/pick.ts';
import { splitWords, type Word } from '../commands/words.ts';
import { findCommand } from '../commands/parse.ts';
import { commandWordRequest, understand, type Understood } from '../conversation/questions.ts';
import { smallTalk } from '../conversation/small-talk.ts';
import { followUp, shownList } from '../conversation/follow-up.ts';
import { ConversationMemory, type ShownList } from '../conversation/memory.ts';
import type { PostObserver, PostedMessage, ReactionEvent } from './post-events.ts';
import type { EphemeralStore } from '../ephemeral/store.ts';
import { commandsTotal, databaseErrorsTotal, isDatabaseError, replySeconds } from '../metrics/metrics.ts';
import { isStateUnavailable } from '../db/errors.ts';

/**
 * The platform-neutral bot: a command registry plus the data it works on.
 * `run` turns command text into a `Reply` and never throws.
 */
export class Paperboy {
  readonly #commands = new Map<string, Command>();
  /** The last list shown in each conversation, for `show 2`, `more`, `back`. */
  readonly #conversations: ConversationMemory;
  /** Every command word (names and aliases) -> the command's name. */
  readonly #words = new Map<string, string>();
  /** Extensions told about the bot's posts and reactions to messages (votes). */
  readonly #observers: PostObserver[] = [];
  readonly deps: CommandDeps;

  /**
   * `conversations`: where the last list of each conversation is kept (the state's ephemeral store,
   * shared by every process); default: this process's memory.
   */
  constructor(deps: CommandDeps, commands: Command[] = [], opts: { conversations?: EphemeralStore } = {}) {
    this.deps = deps;
    this.#conversations = new ConversationMemory({ ...(opts.conversations ? { store: opts.conversations } : {}), now: () => deps.now().getTime() });
    for (const c of commands) this.register(c);
  }

  /** Add a command (extensions such as the scheduler register theirs here). */
  register(command: Command): void {
    const words = [command.name, ...(command.aliases ?? [])].map((w) => w.toLowerCase());
    for (const word of words) {
      const owner = this.#words.get(word);
      if (owner !== undefined || words.indexOf(word) !== words.lastIndexOf(word)) {
        throw new Error(`command word "${word}" is registered twice (${owner ? `already a word of "${owner}"` : `twice in "${command.name}"`})`);
      }
    }
    for (const word of words) this.#words.set(word, command.name);
    this.#commands.set(command.name, command);
  }

  /**
   * Remember what a post of the bot's own (a scheduled digest or paper of the day) showed, so that
   * replies under it (`show 2`, `similar`) refer to it. `post` is the adapter's name for the message.
   */
  async rememberPost(platform: RequestContext['platform'], post: string, reply: Reply): Promise<void> {
    const list = shownList(reply);
    if (!list) return;
    try {
      await this.#conversations.rememberPost(platform, post, list);
    } catch (err) {
      this.deps.logger.warn({ err, platform, post }, 'could not remember what a post showed (replies under it will not refer to it)');
    }
  }

  /** Tell `observer` about the bot's posts and about reactions (see `posted`, `reacted`). Returns an unsubscribe. */
  observe(observer: PostObserver): () => void {
    this.#observers.push(observer);
    return () => {
      const i = this.#observers.indexOf(observer);
      if (i >= 0) this.#observers.splice(i, 1);
    };
  }

  /** Whether an adapter should report where `reply` is posted (`posted`): some observer wants it. */
  wantsPost(reply: Reply): boolean {
    return this.#observers.some((o) => o.wants(reply));
  }

  /** An adapter posted `reply` where people can react to it. Never rejects (observer failures are logged). */
  async posted(post: PostedMessage, reply: Reply): Promise<void> {
    await this.#notify('post', post, (o) => (o.wants(reply) ? o.posted(post, reply) : undefined));
  }

  /** Someone reacted to a message (adapters leave out bots). Never rejects. */
  async reacted(event: ReactionEvent): Promise<void> {
    await this.#notify('reaction', event, (o) => o.reacted(event));
  }

  async #notify(what: string, about: PostedMessage, call: (o: PostObserver) => Promise<void> | undefined): Promise<void> {
    for (const o of [...this.#observers]) {
      try {
        await call(o);
      } catch (err) {
        this.deps.logger.error({ err, platform: about.platform, channel: about.channelId, message: about.messageId }, `${what} observer failed`);
      }
    }
  }

  /** Registered commands in registration order (help is generated from these). */
  get commands(): readonly Command[] {
    return [...this.#commands.values()];
  }

  /**
   * Run one line of command text (`search kv cache --limit 3`, `show snapkv`, free text = search).
   * A leading `/papers` is accepted. Failures come back as an `error` reply with a reference id
   * that is also in the log; nothing throws.
   */
  async run(text: string, ctx: RequestContext): Promise<Reply> {
    // Checked and split once, here; nothing below cleans the input again.
    const cleaned = cleanText(text);
    // Bad input (control characters, too long) gets its own clear reply.
    if (!cleaned.ok) return this.#guarded(text, ctx, async () => cleaned.reply);
    return withQuoteNote(await this.#inConversation(cleaned.input, text, ctx), cleaned.input.text);
  }

  /**
   * Run command input that arrives already split into words (a slash command's options): the
   * words are parsed as they are, so values keep their spaces and quotes. Never throws.
   */
  async runWords(words: readonly Word[], ctx: RequestContext): Promise<Reply> {
    const text = words.map((w) => (w.quoted ? `"${w.text}"` : w.text)).join(' ');
    const cleaned = cleanWords(words);
    if (!cleaned.ok) return this.#guarded(text, ctx, async () => cleaned.reply);
    return this.#inConversation(cleaned.input, text, ctx);
  }

  /** Resolve follow-ups against the conversation's last list, run, and remember a new list. */
  async #inConversation(input: CleanInput, text: string, ctx: RequestContext): Promise<Reply> {
    const { words } = input;
    return this.#guarded(text, ctx, async (deps) => {
      const last = await this.#recall(ctx);
      const greeted = words.length <= 9 && !words.some((w) => w.quoted) ? smallTalk(words.map((w) => w.text).join(' ')) : undefined;
      if (greeted) return greeted;
      const follow = followUp(words, this.commands, last);
      if (follow.kind === 'reply') return follow.reply;
      const asked = follow.kind === 'none' ? this.#question(words) : undefined;
      const reply = asked
        ? await this.#answer(asked, last, deps, ctx)
        : await dispatchClean(follow.kind === 'rewrite' ? derivedInput(follow.words) : input, this.commands, deps, ctx, recentOf(last));
      const list = shownList(reply, last);
      if (list) {
        await this.#memorize(ctx, list);
        if (ctx.replyThreadId && ctx.replyThreadId !== ctx.threadId) await this.#memorize({ ...ctx, threadId: ctx.replyThreadId }, list);
      }
      return reply;
    });
  }

  /**
   * The conversation's own last list; else, in a thread under a post of ours, that post's. Memory
   * that cannot be read (the database is down) is no reason to fail the request: it is logged and
   * the request runs without it.
   */
  async #recall(ctx: RequestContext): Promise<ShownList | undefined> {
    try {
      return (await this.#conversations.lastList(ctx)) ?? (await this.#conversations.postList(ctx));
    } catch (err) {
      this.deps.logger.warn({ err, platform: ctx.platform }, 'conversation memory unavailable; answering without it');
      return undefined;
    }
  }

  /** Remember the list this reply showed; a failure is logged, and the reply still goes out. */
  async #memorize(ctx: RequestContext, list: ShownList): Promise<void> {
    try {
      await this.#conversations.remember(ctx, list);
    } catch (err) {
      this.deps.logger.warn({ err, platform: ctx.platform }, 'could not remember this list (follow-ups will not refer to it)');
    }
  }

  /**
   * Free text that reads as a question or request, as the command it asks for; undefined for a
   * command (a command word first is the command, unless the words read as plain English:
   * `show me papers on X`) or keywords.
   */
  #question(words: readonly Word[]): Understood | undefined {
    const first = words[0];
    if (!first || first.quoted || first.text.startsWith('/')) return undefined;
    const plain = words.map((w) => (w.quoted ? `"${w.text}"` : w.text)).join(' ');
    return !findCommand(first.text, this.commands) || commandWordRequest(plain) ? understand(plain) : undefined;
  }

  /**
   * Run what a question asks for and say how it was read. The command may itself be a follow-up
   * (`show me 2`, `more like this`); a paper it names must be exactly one paper (`explain lora`
   * is a search, not LoRAM), else its fallback runs, as it does when the command finds nothing
   * (`new papers on X` where nothing is dated). A paper described in words (`code for the paper
   * about X`) is the best match of a search for them, as the command finds it.
   */
  async #answer(asked: Understood, last: ShownList | undefined, deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
    const follow = followUp(splitWords(asked.command), this.commands, last);
    if (follow.kind === 'reply') return follow.reply;
    let readAs = asked.command;
    const described = asked.paper !== undefined && describedTopic(asked.paper) !== undefined;
    if (follow.kind === 'none' && asked.paper !== undefined && asked.otherwise !== undefined && !described) {
      const r = deps.engine.resolve(asked.paper);
      if (r.kind !== 'found' || r.via === 'fuzzy') readAs = asked.otherwise;
    }
    // The question's words were cleaned with the message: what it reads as needs no second check.
    const as = (command: string) => derivedInput(splitWords(command));
    let reply = await dispatchClean(follow.kind === 'rewrite' ? derivedInput(follow.words) : as(readAs), this.commands, deps, ctx, recentOf(last));
    if (readAs === asked.command && asked.otherwise !== undefined && reply.tone === 'empty') {
      readAs = asked.otherwise;
      reply = await dispatchClean(as(readAs), this.commands, deps, ctx, recentOf(last));
    }
    const unknown = readAs === asked.command && reply.data?.type === 'paper' ? unanswered(asked.asks, reply.data.paper) : undefined;
    const notes: Block[] = [
      ...(unknown ? [{ kind: 'note' as const, text: [span.text(unknown)] }] : []),
      { kind: 'note', text: [span.text('Read your question as '), span.code(readAs), span.text('.')] },
    ];
    return { ...reply, blocks: [...reply.blocks, ...notes] };
  }

  async #guarded(text: string, ctx: RequestContext, run: (deps: CommandDeps) => Promise<Reply>): Promise<Reply> {
    const timer = replySeconds.startTimer({ platform: ctx.platform });
    const reply = await this.#answerGuarded(text, ctx, run);
    timer();
    commandsTotal.inc({ platform: ctx.platform, command: this.#commandName(text), tone: reply.tone });
    return reply;
  }

  /** The registered command a request names (its first word), for metrics: free text is a search. */
  #commandName(text: string): string {
    const first = /^\s*\/?(?:papers\s+)?([^\s]+)/i.exec(text)?.[1];
    return (first && this.#words.get(first.toLowerCase())) ?? 'search';
  }

  async #answerGuarded(text: string, ctx: RequestContext, run: (deps: CommandDeps) => Promise<Reply>): Promise<Reply> {
    try {
      // One library snapshot for the whole request, even if a new one is swapped in meanwhile.
      const { engine, papers } = this.deps.library.snapshot;
      return await run({ ...this.deps, engine, papers });
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      this.deps.logger.error({ err, ref, platform: ctx.platform, text: text.slice(0, 200) }, 'command failed');
      if (isDatabaseError(err)) databaseErrorsTotal.inc({ where: 'command' });
      if (isStateUnavailable(err)) {
        // Each store call is one transaction: a command that could not reach the database left nothing half-done.
        return {
          tone: 'error',
          summary: `Could not do that: Paperboy's database is not available right now, and nothing was changed (ref ${ref}).`,
          blocks: [
            {
              kind: 'paragraph',
              text: [
                {
                  kind: 'text',
                  text: "Could not do that: Paperboy's database is not available right now, and nothing was changed. Try again in a moment; searches still work. The error is logged under reference ",
                },
                { kind: 'code', text: ref },
                { kind: 'text', text: '.' },
              ],
            },
          ],
        };
      }
      return {
        tone: 'error',
        summary: `Something went wrong on our side (ref ${ref}).`,
        blocks: [
          {
            kind: 'paragraph',
            text: [
              { kind: 'text', text: 'Something went wrong on our side. The error is logged under reference ' },
              { kind: 'code', text: ref },
              { kind: 'text', text: '.' },
            ],
          },
        ],
      };
    }
  }
}

/** What a command may use of the conversation: the ids of its last list. */
function recentOf(last: ShownList | undefined): { recent?: readonly string[] } {
  return last && last.ids.length > 0 ? { recent: last.ids } : {};
}

/** `who wrote X` about a paper with no known authors (or `code for X` with no code link): say so. */
function unanswered(asks: 'authors' | 'code' | undefined, paper: Paper): string | undefined {
  if (asks === 'authors' && !paper.authors?.length) return 'The paper library has no authors for this paper.';
  if (asks === 'code' && !paper.links.some((l) => l.kind === 'code')) return 'No code link is known for this paper.';
  return undefined;
}
