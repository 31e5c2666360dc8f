/** What the reading-list commands share: whose list a request uses, and their plain replies. */
import type { RequestContext } from '../reply/context.ts';
import { span, type Action, type Block, type Reply, type RichText } from '../reply/reply.ts';
import { StateStoreError } from '../db/errors.ts';
import { ReaderSchema, type Reader } from './store.ts';

/** The person whose list a request uses (platform + user id), or undefined when the adapter sent no user. */
export function readerOf(ctx: RequestContext): Reader | undefined {
  const parsed = ReaderSchema.safeParse({ platform: ctx.platform, userId: ctx.userId });
  return parsed.success ? parsed.data : undefined;
}

export function problemReply(message: string, hint?: RichText): Reply {
  const blocks: Block[] = [{ kind: 'paragraph', text: [span.text(message)] }];
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { tone: 'error', summary: message, blocks };
}

export const NO_READER_REPLY: Reply = problemReply('I cannot tell who is asking here, so there is no reading list to use.');

/** The state database cannot be used (unwritable `DATA_DIR`, a newer schema): say so instead of a bare reference id. */
export function storeProblem(err: unknown): Reply | undefined {
  if (!(err instanceof StateStoreError)) return undefined;
  return problemReply(`Reading lists are not available: ${err.message}`);
}

/** Run `work` on the store; a `StateStoreError` becomes a clear reply, anything else is thrown on. */
export async function withStore(work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (err) {
    const reply = storeProblem(err);
    if (reply) return reply;
    throw err;
  }
}

/** The actions of a reply, made personal (answers about the clicker's own list go to them alone). */
export function personal(actions: readonly Action[]): Action[] {
  return actions.map((a) => ({ ...a, personal: true }));
}

/** Candidate buttons of an ambiguous/none reply from `resolveOrReply` for `save`/`unsave`: personal too. */
export function personalCandidates(reply: Reply, verb: string): Reply {
  return {
    ...reply,
    blocks: reply.blocks.map((b) =>
      b.kind === 'actions' ? { ...b, actions: b.actions.map((a) => (a.command.startsWith(`${verb} `) ? { ...a, personal: true } : a)) } : b,
    ),
  };
}

/** `2026-11-26` (UTC). */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function papersCount(n: number): string {
  return `${n} paper${n === 1 ? '' : 's'}`;
}

/** The hint an empty list gets: how to save. */
export const HOW_TO_SAVE: RichText = [
  span.text('Save a paper with '),
  span.code('save <paper>'),
  span.text(' (e.g. '),
  span.code('save snapkv'),
  span.text('), '),
  span.code('save 2'),
  span.text(' after a search, or the Save button on a paper.'),
];
