import type { Command, CommandDeps, CommandInput } from '../commands/command.ts';
import type { RequestContext } from '../reply/context.ts';
import { span, type Block, type Reply, type RichText } from '../reply/reply.ts';
import type { ArxivClient } from '../sources/arxiv.ts';
import { checkArxivCategory } from '../sources/arxiv-categories.ts';
import type { HfClient } from '../sources/hf.ts';
import { OAI_SET, type OaiClient } from '../sources/oai.ts';
import { ingestOai } from './harvest-oai.ts';
import { daysBetween, isoDay, parseDay } from '../time/dates.ts';
import { ingestArxiv, ingestHf, type IngestReport } from './run.ts';

/** Longest HF range one command may fetch (a year of days). */
export const MAX_INGEST_DAYS = 366;
export const DEFAULT_ARXIV_MAX = 100;
export const MAX_ARXIV_MAX = 2000;
export const DEFAULT_ARXIV_CATEGORIES: readonly string[] = ['cs.CL', 'cs.LG', 'cs.AI', 'cs.CV'];

export interface IngestCommandOptions {
  hf: () => HfClient;
  arxiv: () => ArxivClient;
  oai: () => OaiClient;
  /** Who may ingest from chat, per platform (the scheduler's `admins`). The shell and CLI always may. */
  admins: Partial<Record<RequestContext['platform'], readonly string[]>>;
  categories?: readonly string[];
}

function problem(message: string, hint?: RichText): Reply {
  const blocks: Block[] = [{ kind: 'paragraph', text: [span.text(message)] }];
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { tone: 'error', summary: message, blocks };
}

const USAGE: RichText = [
  span.text('Usage: '),
  span.code('ingest hf [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]'),
  span.text(' or '),
  span.code('ingest arxiv [--category cs.CL ...] [--max N]'),
  span.text(' or '),
  span.code('ingest oai [--set cs] [--from YYYY-MM-DD]'),
];

/** An unknown arXiv category: why, the closest names as buttons, and where the list is. */
function categoryProblem(message: string, suggestions: readonly string[]): Reply {
  const reply = problem(message, [
    span.text('Categories are listed at '),
    span.link('arxiv.org/category_taxonomy', 'https://arxiv.org/category_taxonomy'),
    span.text('. '),
    ...USAGE,
  ]);
  if (suggestions.length === 0) return reply;
  return {
    ...reply,
    blocks: [
      ...reply.blocks,
      { kind: 'actions', actions: suggestions.slice(0, 3).map((c) => ({ id: `category:${c}`, label: c, command: `ingest arxiv --category ${c}` })) },
    ],
  };
}

/** The HF days a command asks for: `--date`, `--from`/`--to`, or today and yesterday (UTC). */
export function ingestDays(flags: CommandInput['flags'], now: Date): { days: string[] } | { problem: string } {
  const date = typeof flags['date'] === 'string' ? flags['date'] : undefined;
  const from = typeof flags['from'] === 'string' ? flags['from'] : undefined;
  const to = typeof flags['to'] === 'string' ? flags['to'] : undefined;
  const today = parseDay(isoDay(now))!;
  const day = (text: string, flag: string): Date | string => parseDay(text) ?? `--${flag} must be a day as YYYY-MM-DD (got "${text.slice(0, 20)}")`;
  if (date !== undefined) {
    if (from !== undefined || to !== undefined) return { problem: 'Give either --date or --from/--to, not both.' };
    const d = day(date, 'date');
    if (typeof d === 'string') return { problem: d };
    if (d > today) return { problem: `${date} is in the future (today is ${isoDay(now)} UTC).` };
    return { days: [isoDay(d)] };
  }
  if (from === undefined && to === undefined) return { days: daysBetween(new Date(today.getTime() - 86_400_000), today) };
  if (from === undefined) return { problem: '--to needs --from (or use --date for one day).' };
  const a = from !== undefined ? day(from, 'from') : today;
  const b = to !== undefined ? day(to, 'to') : today;
  if (typeof a === 'string') return { problem: a };
  if (typeof b === 'string') return { problem: b };
  if (a > today) return { problem: `${isoDay(a)} is in the future (today is ${isoDay(now)} UTC).` };
  if (a > b) return { problem: `--from ${isoDay(a)} is after --to ${isoDay(b)}.` };
  const last = b > today ? today : b;
  const days = daysBetween(a, last);
  if (days.length === 0) return { problem: `${isoDay(a)} is in the future (today is ${isoDay(now)} UTC).` };
  if (days.length > MAX_INGEST_DAYS) return { problem: `That is ${days.length} days; ingest at most ${MAX_INGEST_DAYS} at a time.` };
  return { days };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `Added 47 papers, updated 3, skipped 1 (no abstract: 2611.99999)`. */
export function describeReport(r: IngestReport): string {
  let text = `Added ${plural(r.added, 'paper')}, updated ${r.updated}, skipped ${r.skipped.length}`;
  if (r.skipped.length) {
    const shown = r.skipped.slice(0, 3).map((s) => `${s.reason}${s.id ? `: ${s.id}` : ''}`);
    text += ` (${shown.join('; ')}${r.skipped.length > 3 ? `; and ${r.skipped.length - 3} more` : ''})`;
  }
  return text;
}

function reportReply(r: IngestReport, what: string, command: string): Reply {
  const summary = describeReport(r);
  const blocks: Block[] = [
    { kind: 'heading', text: `Ingest: ${what}` },
    { kind: 'paragraph', text: [span.text(`${summary}.`)] },
  ];
  if (r.failed.length) {
    blocks.push({
      kind: 'paragraph',
      text: [span.strong(`${plural(r.failed.length, 'request')} failed; nothing of ${r.failed.length === 1 ? 'it' : 'them'} was stored:`)],
    });
    blocks.push({ kind: 'list', items: r.failed.slice(0, 10).map((f) => [span.code(f.unit), span.text(` ${f.reason}`)]) });
    blocks.push({ kind: 'note', text: [span.text('Run the same command again to fetch what failed; papers already stored are kept.')] });
  }
  const value = {
    source: r.source,
    added: r.added,
    updated: r.updated,
    skipped: r.skipped.length,
    failed: r.failed,
  };
  return {
    tone: r.failed.length ? 'error' : 'ok',
    summary: r.failed.length
      ? `${summary}; ${plural(r.failed.length, 'request')} failed: ${r.failed
          .map((f) => `${f.unit}: ${f.reason}`)
          .slice(0, 3)
          .join('; ')}`
      : summary,
    blocks,
    command,
    data: { type: 'other', value },
  };
}

/**
 * `ingest hf|arxiv`: fetch papers from a live source into the store, then refresh the library so
 * they are searchable at once. Chat users must be listed in `admins`; the shell and CLI may always.
 */
export function createIngestCommand(opts: IngestCommandOptions): Command {
  const categories = opts.categories?.length ? opts.categories : DEFAULT_ARXIV_CATEGORIES;
  return {
    name: 'ingest',
    summary: 'Fetch new papers from Hugging Face Daily Papers or arXiv into the store',
    usage: 'hf [--date D | --from D --to D] | arxiv [--category C ...] [--max N] | oai [--set S] [--from D]',
    description:
      'hf: the Daily Papers of the given days (default today and yesterday, UTC). arxiv: the newest submissions of ' +
      `each category (default ${categories.join(', ')}; at most one request every 3 s). oai: every record of an arXiv ` +
      'set (default cs) added, changed or deleted since the last harvest (the first one: the last 3 days, or --from), ' +
      "through arXiv's OAI-PMH interface; a harvest that fails continues from its last stored page. Each day or page " +
      'is stored in one transaction; running it again adds nothing twice. From chat, only admins may ingest.',
    examples: [
      'ingest hf',
      'ingest hf --date 2026-11-27',
      'ingest hf --from 2026-11-01 --to 2026-11-07',
      'ingest arxiv --category cs.CL --max 50',
      'ingest oai --set cs --from 2026-11-01',
    ],
    args: 'required',
    argName: 'source (hf, arxiv or oai)',
    flags: [
      { name: 'date', type: 'string', placeholder: 'YYYY-MM-DD', help: 'one HF day' },
      { name: 'from', type: 'string', placeholder: 'YYYY-MM-DD', help: 'first HF day; oai: harvest from this day' },
      { name: 'to', type: 'string', placeholder: 'YYYY-MM-DD', help: 'last HF day (default today)' },
      { name: 'category', type: 'string', placeholder: 'cs.CL', help: 'arXiv category (repeat or comma-separate)' },
      { name: 'max', type: 'int', min: 1, max: MAX_ARXIV_MAX, help: `arXiv results per category (default ${DEFAULT_ARXIV_MAX})` },
      { name: 'set', type: 'string', placeholder: 'cs', help: 'oai: the arXiv set (default cs)' },
    ],
    async run(input: CommandInput, deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
      if (ctx.platform !== 'shell') {
        const list = opts.admins[ctx.platform];
        if (!list || ctx.userId === undefined || !list.includes(ctx.userId)) {
          return problem(`Only admins may ingest papers from ${ctx.platform}.`, [
            span.text('Admins are listed under '),
            span.code(`admins.${ctx.platform}`),
            span.text(' in the config file (PAPERBOY_CONFIG). Scheduled ingests run on their own.'),
          ]);
        }
      }
      const store = deps.library.store;
      if (!store) return problem('There is no paper store here to ingest into (DATA_DIR is not set up).');
      const source = input.args[0]?.toLowerCase();
      const rctx = { store, logger: deps.logger, now: deps.now };
      if (source === 'hf' || source === 'huggingface') {
        if (input.flags['category'] !== undefined || input.flags['max'] !== undefined) return problem('--category and --max apply to arxiv.', USAGE);
        if (input.flags['set'] !== undefined) return problem('--set applies to oai.', USAGE);
        const range = ingestDays(input.flags, deps.now());
        if ('problem' in range) return problem(range.problem, USAGE);
        const report = await ingestHf(opts.hf(), range.days, rctx);
        if (report.added + report.updated > 0) await deps.library.refresh();
        const what =
          range.days.length === 1 ? `Hugging Face Daily Papers, ${range.days[0]}` : `Hugging Face Daily Papers, ${range.days[0]} to ${range.days.at(-1)}`;
        return reportReply(report, what, `ingest hf --from ${range.days[0]} --to ${range.days.at(-1)}`);
      }
      if (source === 'arxiv') {
        if (['date', 'from', 'to'].some((f) => input.flags[f] !== undefined)) return problem('--date, --from and --to apply to hf.', USAGE);
        if (input.flags['set'] !== undefined) return problem('--set applies to oai.', USAGE);
        const raw = typeof input.flags['category'] === 'string' ? input.flags['category'].split(/[\s,]+/).filter(Boolean) : [...categories];
        if (raw.length === 0) return problem('--category needs at least one arXiv category (e.g. cs.CL).', USAGE);
        // arXiv answers an unknown category with no papers, not an error: check them first (`cs.cl` is `cs.CL`).
        const checked = raw.map(checkArxivCategory);
        const bad = checked.find((c) => !c.ok);
        if (bad && !bad.ok) return categoryProblem(bad.problem, bad.suggestions);
        const max = typeof input.flags['max'] === 'number' ? input.flags['max'] : DEFAULT_ARXIV_MAX;
        const cats = [...new Set(checked.flatMap((c) => (c.ok ? [c.category] : [])))];
        const report = await ingestArxiv(opts.arxiv(), cats, max, rctx);
        if (report.added + report.updated > 0) await deps.library.refresh();
        return reportReply(report, `arXiv ${cats.join(', ')}`, `ingest arxiv --category ${cats.join(',')} --max ${max}`);
      }
      if (source === 'oai') {
        if (['date', 'to', 'category', 'max'].some((f) => input.flags[f] !== undefined)) {
          return problem('oai takes --set and --from; --date, --to, --category and --max apply to hf and arxiv.', USAGE);
        }
        const set = typeof input.flags['set'] === 'string' ? input.flags['set'].trim() : 'cs';
        if (!OAI_SET.test(set)) {
          return problem(`--set takes an arXiv set: an archive (cs, math) or group:archive:CATEGORY (cs:cs:AI); got "${set.slice(0, 30)}".`, USAGE);
        }
        const fromText = typeof input.flags['from'] === 'string' ? input.flags['from'] : undefined;
        let from: string | undefined;
        if (fromText !== undefined) {
          const day = parseDay(fromText);
          if (!day) return problem(`--from must be a day as YYYY-MM-DD (got "${fromText.slice(0, 20)}").`, USAGE);
          if (isoDay(day) > isoDay(deps.now())) return problem(`${isoDay(day)} is in the future (today is ${isoDay(deps.now())} UTC).`, USAGE);
          from = isoDay(day);
        }
        const report = await ingestOai(opts.oai(), set, rctx, from !== undefined ? { from } : {});
        if (report.added + report.updated + report.removed > 0) await deps.library.refresh();
        const reply = reportReply(report, `arXiv OAI-PMH, set ${set}, changes since ${report.from ?? 'the start'}`, `ingest oai --set ${set}`);
        if (report.removed > 0) {
          reply.blocks.push({
            kind: 'note',
            text: [span.text(`${plural(report.removed, 'paper')} removed: arXiv deleted ${report.removed === 1 ? 'it' : 'them'}.`)],
          });
        }
        if (report.failed.length === 0 && report.next.from !== undefined) {
          reply.blocks.push({ kind: 'note', text: [span.text(`The next harvest starts from ${report.next.from}.`)] });
        }
        return reply;
      }
      return problem(source ? `Unknown source "${source.slice(0, 20)}": use hf, arxiv or oai.` : 'Which source? hf, arxiv or oai.', USAGE);
    },
  };
}
