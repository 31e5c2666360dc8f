import { displayName, resultRow } from '../reply/cards.ts';
import type { Paper } from '../papers/paper.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Resolution, SearchEngine } from '../search/types.ts';
import { arxivAbsUrl, parseArxivRef } from '../papers/arxiv-id.ts';
import { quoted } from './results.ts';
import { paperRef } from './ref.ts';

/** The last reference resolved per engine: a command resolves the words the dispatcher just looked at (see `pickPaper`). */
const lastResolved = new WeakMap<SearchEngine, { ref: string; resolution: Resolution }>();

/** `engine.resolve(ref)`, remembered for the next call with the same words (an engine never changes). */
export function resolveRef(engine: SearchEngine, ref: string): Resolution {
  const last = lastResolved.get(engine);
  if (last?.ref === ref) return last.resolution;
  const resolution = engine.resolve(ref);
  lastResolved.set(engine, { ref, resolution });
  return resolution;
}

/**
 * Resolve a paper reference for a command that takes one (`show`, `similar`, `save`, `cite`). When
 * it is ambiguous or unknown, the reply lists candidates (with buttons running `verb <id>`) instead
 * of guessing.
 */
export function resolveOrReply(engine: SearchEngine, ref: string, verb: string): { paper: Paper; related: Paper[] } | { reply: Reply } {
  const r = resolveRef(engine, ref);
  if (r.kind === 'found') return { paper: r.paper, related: r.related ?? [] };
  const candidates = (r.kind === 'ambiguous' ? r.candidates : r.suggestions).slice(0, 5);
  const arxivId = r.kind === 'none' ? parseArxivRef(ref) : undefined;
  const lead =
    r.kind === 'ambiguous'
      ? `${quoted(ref)} matches ${r.candidates.length} papers. Which one?`
      : arxivId
        ? `arXiv ${arxivId} is not in the paper set (yet).`
        : `No paper is called ${quoted(ref)}.`;
  const blocks: Reply['blocks'] = [{ kind: 'paragraph', text: [span.text(lead)] }];
  if (candidates.length > 0) {
    if (r.kind === 'none') blocks.push({ kind: 'note', text: [span.text('Closest names:')] });
    blocks.push({
      kind: 'list',
      items: candidates.map((p) => [
        span.strong(displayName(p)),
        ...(p.name ? [span.text(` — ${p.title}`)] : []),
        span.text(' · '),
        span.code(`${verb} ${paperRef(engine, p)}`),
      ]),
    });
    blocks.push({
      kind: 'actions',
      actions: candidates.map((p) => ({ id: `${verb}:${p.id}`, label: displayName(p).slice(0, 60), command: `${verb} ${paperRef(engine, p)}` })),
    });
  }
  if (arxivId) {
    blocks.push({
      kind: 'note',
      text: [
        span.text('Papers arrive with each ingest ('),
        span.code('ingest hf'),
        span.text(', '),
        span.code('ingest arxiv'),
        span.text('); '),
        span.link('arXiv page', arxivAbsUrl(arxivId)),
      ],
    });
  }
  blocks.push({
    kind: 'actions',
    actions: [{ id: 'search-instead', label: `Search “${ref.slice(0, 40)}”`, command: `search ${ref}` }],
  });
  return {
    reply: {
      tone: r.kind === 'ambiguous' ? 'info' : 'empty',
      summary: lead,
      blocks,
      command: `${verb} ${ref}`,
      data: { type: 'results', query: ref, results: candidates.map((p) => resultRow(p, 0)), match: r.kind },
    },
  };
}
