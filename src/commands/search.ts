import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { CODE_FLAG, LIMIT_FLAG, PAGE_FLAG, flagSuffix, intFlag } from './flags.ts';
import { keptNewest, newestFirst, newestWithCode } from './newest.ts';
import { pastEndReply, quoted, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';
import { AUTHOR_FLAG, CATEGORY_FLAG, SINCE_FLAG, paperFilters, type PaperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';
import type { Paper } from '../papers/paper.ts';
import { foldWord } from '../search/fold.ts';
import type { SearchResult } from '../search/types.ts';

export const searchCommand: Command = {
  name: 'search',
  aliases: ['find', 's'],
  summary: 'Search papers by keywords (free text without a command word is a search too)',
  usage: '<query> [--limit N] [--page N] [--code] [--since WHEN] [--author NAME] [--category CAT]',
  argOptionalWith: ['author', 'since', 'category'],
  description:
    'Ranks papers by relevance to your words: papers with most of them first, then those where they stand together ' +
    'and in the title. Abbreviations such as kv, lora, moe, rag and 3dgs are expanded, hyphens and case are ignored ' +
    '(kv-cache = KV cache = kvcache), and typos are corrected. A long query or question is never cut short by one ' +
    'missing word: papers with some of the words, or the same idea in other words, fill the list (the reply says so). ' +
    'Words in quotes must appear side by side in a paper: "state space" models. --since keeps papers published in the ' +
    'last days (7d, 2w) or since a day; --author keeps papers by an author (accents and case ignored); --category keeps ' +
    'papers in an arXiv category (cs.CL) or archive (cs), cross-lists included. With --author, --since or --category and ' +
    'no words, it lists those papers, newest first.',
  examples: [
    'search kv cache compression',
    'search "gaussian splatting" --code',
    'search lora --limit 3 --page 2',
    'search diffusion --since 7d',
    'search --author "Tri Dao"',
    'search speculative decoding --category cs.CL',
  ],
  args: 'required',
  argName: 'query',
  flags: [LIMIT_FLAG, PAGE_FLAG, CODE_FLAG, SINCE_FLAG, AUTHOR_FLAG, CATEGORY_FLAG],
  run(input, deps): Reply {
    const filters = paperFilters(input.flags, deps.now(), { parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, 'search <query> [--since 7d|2w|YYYY-MM-DD] [--author NAME] [--category cs.CL|cs]');
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    const code = input.flags['code'] === true;
    const query = input.rest;
    const commandFor = (p: number) => `search${query ? ` ${query}` : ''}${flagSuffix(limit, code)}${filters.suffix}${p > 1 ? ` --page ${p}` : ''}`;
    const result = query
      ? deps.engine.search(query, {
          limit,
          offset: (page - 1) * limit,
          codeOnly: code,
          ...(filters.filter ? { filter: filters.filter } : {}),
        })
      : listFiltered(deps.papers, filters, code, limit, page);
    // A correction that still leaves words no paper has (`unclosed quote` -> `unclosed quite`) trades one
    // unknown word for a stray common one: it is no suggestion.
    const suggestion =
      result.suggestion !== undefined && !deps.engine.search(result.suggestion, { limit: 1, codeOnly: code }).unmatched?.length ? result.suggestion : undefined;
    const narrowed = [code ? 'with code' : '', ...filters.labels].filter(Boolean).join(', ');
    const what = query ? quoted(query) : narrowed;

    if (result.total === 0) {
      const blocks: Reply['blocks'] = [
        {
          kind: 'paragraph',
          text: [
            span.text(
              query
                ? `No papers match ${quoted(query)}${code ? ' with a code link' : ''}${filters.labels.length ? ` (${filters.labels.join(', ')})` : ''}.`
                : `No papers ${narrowed}.`,
            ),
          ],
        },
      ];
      const actions = [];
      if (suggestion) {
        blocks.push({ kind: 'note', text: [span.text('Did you mean '), span.strong(suggestion), span.text('?')] });
        actions.push({
          id: 'suggestion',
          label: `Search “${suggestion}”`.slice(0, 70),
          command: `search ${suggestion}${code ? ' --code' : ''}`,
          style: 'primary' as const,
        });
      } else {
        const drop = [code ? '--code' : '', ...(filters.filter ? ['--since', '--author', '--category'].filter((f) => filters.suffix.includes(f)) : [])].filter(
          Boolean,
        );
        blocks.push({
          kind: 'note',
          text: [
            span.text(query ? 'Try fewer or broader words, ' : 'Try '),
            ...(drop.length
              ? [span.text(query ? 'drop ' : 'without '), ...drop.flatMap((f, i) => [...(i ? [span.text(' or ')] : []), span.code(f)]), span.text(', or ')]
              : []),
            span.text(query || drop.length ? 'browse ' : 'browsing '),
            span.code('topics'),
            span.text('.'),
          ],
        });
      }
      // Filters that nothing in the set can pass: say why, rather than blame the words.
      const unknowable = [
        typeof input.flags['author'] === 'string' && !deps.papers.some((p) => p.authors?.length) ? 'authors' : '',
        typeof input.flags['since'] === 'string' && !deps.papers.some((p) => p.published) ? 'dates' : '',
        typeof input.flags['category'] === 'string' && !deps.papers.some((p) => p.categories?.length) ? 'arXiv categories' : '',
      ].filter(Boolean);
      if (unknowable.length > 0) {
        blocks.push({
          kind: 'note',
          text: [
            span.text(`No paper here has ${unknowable.join(' or ')} yet: they come with papers from Hugging Face or arXiv (`),
            span.code('ingest hf'),
            span.text(', '),
            span.code('ingest arxiv'),
            span.text(').'),
          ],
        });
      }
      if (filters.filter && query) actions.push({ id: 'without-filters', label: 'Search without filters', command: `search ${query}${code ? ' --code' : ''}` });
      else if (code) actions.push({ id: 'without-code', label: 'Search without --code', command: `search ${query}` });
      actions.push({ id: 'topics', label: 'Browse topics', command: 'topics' });
      blocks.push({ kind: 'actions', actions });
      return {
        tone: 'empty',
        summary: query
          ? `No papers match ${quoted(query)}${narrowed ? ` (${narrowed})` : ''}.${suggestion ? ` Did you mean “${suggestion}”?` : ''}`
          : `No papers ${narrowed}.`,
        blocks,
        command: commandFor(1),
        data: { type: 'results', query, results: [] },
      };
    }
    if (result.hits.length === 0) return pastEndReply(query, result.total, page, limit, commandFor);

    const few = result.total <= 3 ? 'Few matches. ' : '';
    const notes = suggestion ? [[span.text(`${few}Did you mean `), span.strong(suggestion), span.text('?')]] : [];
    if (result.unmatched?.length) notes.push([span.text(unmatchedNote(query, result.unmatched))]);
    const loose = result.loose ?? 0;
    if (result.partial && loose === 0) notes.push([span.text('None of these has all of your words; each has some of them.')]);
    if (loose > 0) {
      notes.push([
        span.text(loose === result.total ? 'None of these has most of your words; they are the closest.' : `${loose} of these match only some of your words.`),
      ]);
    }
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: query ? `Results for ${what}${narrowed ? ` (${narrowed})` : ''}` : `Papers ${what}, newest first`,
      query,
      hits: result.hits,
      total: result.total,
      page,
      perPage: limit,
      commandFor,
      notes,
    });
  },
};

/** `search --author NAME` with no words: the papers the filters keep, newest first, one page. */
function listFiltered(
  papers: readonly Paper[],
  { filter, since }: Pick<PaperFilters, 'filter' | 'since'>,
  code: boolean,
  limit: number,
  page: number,
): Pick<SearchResult, 'total' | 'loose' | 'suggestion' | 'unmatched' | 'partial'> & { hits: RankedPaper[] } {
  const kept = keptNewest(code ? newestWithCode(papers) : newestFirst(papers), filter, since);
  const hits = kept.slice((page - 1) * limit, page * limit).map((paper) => ({ paper, score: 1 }));
  return { hits, total: kept.length };
}

/** `No paper here has “Ümlaut” or “zzyzx”; …`: the words as the user typed them, at most five named. */
export function unmatchedNote(query: string, unmatched: readonly string[]): string {
  const typed = new Map<string, string>();
  for (const w of query.split(/[^\p{L}\p{N}]+/u)) if (w) typed.set(foldWord(w), w);
  const words = unmatched.map((w) => `“${typed.get(w) ?? w}”`);
  const named = words.slice(0, 5);
  const more = words.length - named.length;
  const list = more > 0 ? `${named.join(', ')} and ${more} more` : named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} or ${named.at(-1)!}`;
  return `No paper here has ${list}; these match your other words.`;
}
