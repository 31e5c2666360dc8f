/** `save <paper>` and `unsave <paper>`: add a paper to, or take it off, the asker's reading list. */
import type { Command } from '../commands/command.ts';
import { paperRef } from '../commands/ref.ts';
import { resolveOrReply } from '../commands/resolve.ts';
import { displayName } from '../reply/cards.ts';
import { span, type Reply } from '../reply/reply.ts';
import { NO_READER_REPLY, day, papersCount, personal, personalCandidates, problemReply, readerOf, withStore } from './replies.ts';
import { MAX_SAVED_PAPERS, SavedPaperIdSchema, type ReadingListStore } from './store.ts';

const PAPER_DESCRIPTION =
  'The paper is named like in show: its short name, id, title, arXiv id or link; a bare number is that result of the last list ' +
  '(save 2 after a search), and after a reply about one paper the name can be left out.';

export function createSaveCommand(store: ReadingListStore): Command {
  return {
    name: 'save',
    personal: true,
    aliases: ['bookmark'],
    summary: 'Save a paper to your reading list',
    usage: '<paper>',
    description: `Your reading list is yours alone (per platform) and the same in every channel and DM. ${PAPER_DESCRIPTION}`,
    examples: ['save snapkv', 'save 2', 'save 2404.14469'],
    args: 'required',
    argName: 'paper',
    takesPaper: true,
    flags: [],
    async run(input, deps, ctx): Promise<Reply> {
      const reader = readerOf(ctx);
      if (!reader) return NO_READER_REPLY;
      const resolved = resolveOrReply(deps.engine, input.args.join(' '), 'save');
      if ('reply' in resolved) return personalCandidates(resolved.reply, 'save');
      const paper = resolved.paper;
      const ref = paperRef(deps.engine, paper);
      const name = displayName(paper);
      return withStore(async () => {
        const r = await store.save(reader, paper.id, { sameAs: paper.formerIds ?? [], now: deps.now(), max: MAX_SAVED_PAPERS });
        const value = { paperId: paper.id, title: paper.title };
        if (r.kind === 'full') {
          return problemReply(`Your reading list is full (${papersCount(r.max)}). Unsave some papers first.`, [
            span.code('saved'),
            span.text(' lists them; '),
            span.code('unsave <paper>'),
            span.text(' removes one.'),
          ]);
        }
        if (r.kind === 'already') {
          return {
            tone: 'info',
            summary: `${name} is already in your reading list (saved ${day(r.savedAt)}).`,
            blocks: [
              { kind: 'paragraph', text: [span.strong(name), span.text(` is already in your reading list (saved ${day(r.savedAt)}).`)] },
              {
                kind: 'actions',
                actions: personal([
                  { id: 'saved', label: 'My reading list', command: 'saved' },
                  { id: `unsave:${paper.id}`, label: 'Unsave', command: `unsave ${ref}` },
                ]),
              },
            ],
            data: { type: 'other', value: { saved: false, already: true, ...value } },
          };
        }
        return {
          tone: 'ok',
          summary: `Saved ${name} to your reading list (${papersCount(r.total)}).`,
          blocks: [
            { kind: 'paragraph', text: [span.text('Saved '), span.strong(name), span.text(` to your reading list (${papersCount(r.total)}).`)] },
            { kind: 'note', text: [span.code('saved'), span.text(' lists it; '), span.code(`cite ${ref}`), span.text(' gives its BibTeX.')] },
            {
              kind: 'actions',
              actions: personal([
                { id: 'saved', label: 'My reading list', command: 'saved' },
                { id: `unsave:${paper.id}`, label: 'Undo', command: `unsave ${ref}` },
              ]),
            },
          ],
          data: { type: 'other', value: { saved: true, already: false, ...value, total: r.total } },
        };
      });
    },
  };
}

export function createUnsaveCommand(store: ReadingListStore): Command {
  return {
    name: 'unsave',
    personal: true,
    aliases: ['unbookmark'],
    summary: 'Take a paper off your reading list',
    usage: '<paper>',
    description: `${PAPER_DESCRIPTION} A paper no longer in the paper library is named by the id the list shows.`,
    examples: ['unsave snapkv', 'unsave 2'],
    args: 'required',
    argName: 'paper',
    takesPaper: true,
    flags: [],
    async run(input, deps, ctx): Promise<Reply> {
      const reader = readerOf(ctx);
      if (!reader) return NO_READER_REPLY;
      const ref = input.args.join(' ');
      return withStore(async () => {
        // A paper saved earlier that is no longer in the library is named by its id (as `saved` shows it).
        const id = ref.trim();
        if (SavedPaperIdSchema.safeParse(id).success && !deps.engine.byId(id) && (await store.unsave(reader, [id])) > 0) {
          return removed(id, id, undefined);
        }
        const resolved = resolveOrReply(deps.engine, ref, 'unsave');
        if ('reply' in resolved) return personalCandidates(resolved.reply, 'unsave');
        const paper = resolved.paper;
        const paperName = displayName(paper);
        const n = await store.unsave(reader, [paper.id, ...(paper.formerIds ?? [])]);
        if (n > 0) return removed(paper.id, paperName, paperRef(deps.engine, paper));
        return {
          tone: 'empty',
          summary: `${paperName} is not in your reading list.`,
          blocks: [
            { kind: 'paragraph', text: [span.strong(paperName), span.text(' is not in your reading list.')] },
            { kind: 'note', text: [span.code('saved'), span.text(' lists what is.')] },
          ],
          data: { type: 'other', value: { removed: false, paperId: paper.id } },
        };
      });
    },
  };
}

/** The reply to a removal; `ref` (absent for a paper gone from the library) gives an Undo button. */
function removed(paperId: string, name: string, ref: string | undefined): Reply {
  return {
    tone: 'ok',
    summary: `Removed ${name} from your reading list.`,
    blocks: [
      { kind: 'paragraph', text: [span.text('Removed '), span.strong(name), span.text(' from your reading list.')] },
      ...(ref
        ? [
            {
              kind: 'actions' as const,
              actions: personal([
                { id: `save:${paperId}`, label: 'Undo', command: `save ${ref}` },
                { id: 'saved', label: 'My reading list', command: 'saved' },
              ]),
            },
          ]
        : [{ kind: 'note' as const, text: [span.code('saved'), span.text(' lists the rest.')] }]),
    ],
    data: { type: 'other', value: { removed: true, paperId } },
  };
}
