/**
 * Which paper a command that takes one (`show`, `similar`, `save`, `cite`, …) means, when the words
 * do not name it exactly: a close spelling or some words of a title (`show lora`: LoRAM, the
 * closest name), or a description (`the paper about zipcache`, `the one on X`, `that KV cache
 * paper`: the best match of a search for its words, among the last list's papers first). The
 * reply then says what was guessed, in one line, and offers the next closest papers. Pure.
 */
import type { Paper } from '../papers/paper.ts';
import { span, type Action, type Block } from '../reply/reply.ts';
import { isApproximate, type SearchEngine } from '../search/types.ts';
import { paperRef } from './ref.ts';
import { resolveRef } from './resolve.ts';
import { quoted } from './results.ts';

/** `the paper about X`, `that one on X`, `the one introducing X`, `the work called X` (one paper: `the`, `that` or `this`). */
const DESCRIBED_BY_LEAD =
  /^(?:the|that|this) (?:paper|one|article|preprint|publication|study|work) (?:(?:that|which) (?:is|was) )?(?:about|on|regarding|concerning|covering|called|named|titled|introducing|proposing|describing|presenting|for|with|(?:that|which) (?:introduces|introduced|proposes|proposed|describes|presents|does)) (.+)$/;
/** `that KV cache paper`, `the zipcache one`. */
const DESCRIBED_BEFORE = /^(?:the|that|this) (.+?) (?:paper|one|article|preprint)$/;
/** Words that make `the … one` a rank or a pointer (`the second one`, `that same one`), not a description. */
const NOT_A_TOPIC =
  /^(?:(?:very |same |other |next |previous |last |first |second |third |fourth |fifth |#?\d+(?:st|nd|rd|th)? )*(?:very|same|other|next|previous|last|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|#?\d+(?:st|nd|rd|th)?)|it|this|that)$/;

/**
 * The topic words of a reference that describes a paper rather than names it (`the paper about
 * zipcache` -> `zipcache`, `that KV cache paper` -> `KV cache`), as typed; undefined for anything else.
 */
export function describedTopic(ref: string): string | undefined {
  const raw = ref
    .trim()
    .replace(/[?!.]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const lower = raw.toLowerCase();
  const lead = DESCRIBED_BY_LEAD.exec(lower);
  const m = lead ?? DESCRIBED_BEFORE.exec(lower);
  if (!m) return undefined;
  const words = m[1]!;
  const topic = words.replace(/^(?:the|a|an) /, '');
  if (topic === '' || NOT_A_TOPIC.test(topic)) return undefined;
  // The topic as typed (its capitals): after the lead, or after the first word (`that … paper`).
  const start = (lead ? lower.length - words.length : lower.indexOf(' ') + 1) + (words.length - topic.length);
  return raw.slice(start, start + topic.length);
}

/** A reference shaped like a stored paper id (a title slug of four words or more): never guessed from. */
const ID_SHAPED = /^[a-z0-9]+(?:-[a-z0-9]+){3,}$/;

export type PaperPick =
  /** The words name the paper exactly, or name none or several (the command says so): run them as they are. */
  | { kind: 'as-typed' }
  /** The words were a guess: run the command on `paper`, and say so. */
  | {
      kind: 'guess';
      paper: Paper;
      /** `closest-name`: a close spelling or part of a title; `best-match`: a description, found by a search for `about`. */
      reason: 'closest-name' | 'best-match';
      /** The reference as typed. */
      typed: string;
      /** What was looked for: the reference, or a description's topic words. */
      about: string;
      /** The best match was taken from the last list shown. */
      fromList: boolean;
      alternatives: Paper[];
    }
  /** A description whose words match no paper: the command runs on its topic words (and says what is closest). */
  | { kind: 'topic'; about: string };

/** Alternatives offered beside a guess. */
const MAX_ALTERNATIVES = 3;
/** A described paper is taken from the last list when it is among this many best matches. */
const LIST_REACH = 5;

/** What a guess line calls a paper: its short name, else the name its abstract gives it (`LoRAM`), else its title. */
export function shortName(paper: Paper): string {
  return paper.name ?? paper.aliases[0] ?? paper.title;
}

/**
 * The paper a reference means when it does not name one exactly (see the module doc). `recent`:
 * the ids of the last list shown, where a description looks first (`the one on X` after a search).
 */
export function pickPaper(engine: SearchEngine, ref: string, recent: readonly string[] = []): PaperPick {
  const typed = ref.trim();
  if (typed === '' || ID_SHAPED.test(typed)) return { kind: 'as-typed' };
  // Words that name a paper exactly do so even when they read like a description (a title `The … One`).
  const r = resolveRef(engine, ref);
  if (r.kind === 'found' && !isApproximate(r)) return { kind: 'as-typed' };
  const about = describedTopic(typed);
  if (about !== undefined) {
    const named = engine.resolve(about);
    const exact = named.kind === 'found' && !isApproximate(named) ? named.paper : undefined;
    const hits = engine.search(about, { limit: LIST_REACH }).hits.map((h) => h.paper);
    // The last list's paper when it is among the best few matches (`the one on X` after a search), else the best match.
    const inList = new Set(recent);
    const listed = hits.find((p) => inList.has(p.id));
    const best = exact ?? listed ?? hits[0];
    if (!best) return { kind: 'topic', about };
    const alternatives = hits.filter((p) => p.id !== best.id).slice(0, MAX_ALTERNATIVES);
    return { kind: 'guess', paper: best, reason: 'best-match', typed, about, fromList: exact === undefined && listed !== undefined, alternatives };
  }
  if (r.kind !== 'found') return { kind: 'as-typed' };
  return {
    kind: 'guess',
    paper: r.paper,
    reason: 'closest-name',
    typed,
    about: typed,
    fromList: false,
    alternatives: (r.alternatives ?? []).slice(0, MAX_ALTERNATIVES),
  };
}

/** What a command does with the paper it took, for the guess line (`showing LoRAM`). */
const DOING: Record<string, (name: string) => string> = {
  show: (n) => `showing ${n}`,
  similar: (n) => `showing papers similar to ${n}`,
  save: (n) => `saving ${n}`,
  unsave: (n) => `taking ${n} off your reading list`,
  cite: (n) => `citing ${n}`,
};

/**
 * The one line that says what was guessed (`No paper is called “lora”; showing LoRAM, the closest
 * name.`), and the alternatives as buttons running the same command (`show qlora`), then a search
 * for the words. `personal`: the command's answers go to the asker alone (their reading list).
 */
export function guessBlocks(pick: Extract<PaperPick, { kind: 'guess' }>, verb: string, engine: SearchEngine, personal = false): Block[] {
  const doing = (DOING[verb] ?? ((n: string) => `running ${verb} on ${n}`))(shortName(pick.paper));
  const line =
    pick.reason === 'closest-name'
      ? `No paper is called ${quoted(pick.typed)}; ${doing}, the closest name.`
      : `${capitalise(doing)}, the best match for ${quoted(pick.about)}${pick.fromList ? ' in the last list' : ''}.`;
  const actions: Action[] = pick.alternatives.map((p) => ({
    id: `${verb}:${p.id}`,
    label: shortName(p).slice(0, 60),
    command: `${verb} ${paperRef(engine, p)}`,
    ...(personal ? { personal: true } : {}),
  }));
  actions.push({ id: 'search-instead', label: `Search ${quoted(pick.about.slice(0, 40))}`, command: `search ${pick.about}` });
  return [
    { kind: 'note', text: [span.text(line)] },
    { kind: 'actions', actions },
  ];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
