/**
 * The neutral reply model. Commands return a `Reply`; each adapter renders it with a pure function
 * (terminal text, Slack Block Kit, Discord embeds). Nothing here knows about a platform.
 *
 * All strings are raw (unescaped) text: renderers escape for their platform.
 */

/** A run of inline text. `mark` is a matched search term; `strong` is emphasis. */
export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'mark'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; url: string };

/** Inline rich text: a sequence of spans, rendered in order with no separator. */
export type RichText = Span[];

/**
 * A button. Clicking it runs `command` (core command text, e.g. `show snapkv` or
 * `search kv cache --page 2`) as the user who clicked.
 */
export interface Action {
  /** Stable id within one reply (`next`, `prev`, `abstract:snapkv`, ...). */
  id: string;
  label: string;
  command: string;
  style?: 'primary' | 'default';
  /**
   * The answer concerns only the person who clicks (a Save to their reading list): chat adapters
   * show it to them alone, even when the button is on a message everyone sees.
   */
  personal?: boolean;
}

export interface CardLink {
  url: string;
  kind: import('../papers/paper.ts').LinkKind;
}

/** A paper as shown in a reply. */
export interface PaperCard {
  id: string;
  title: string;
  name?: string;
  /**
   * How commands name this paper (`show <ref>`): its short name, else another name from its
   * abstract, when that finds only this paper; else its id. Absent: the id.
   */
  ref?: string;
  /** Who and when, in one line: `A. Author, B. Author et al. · 2026-11-28 · ▲ 42 · 3 comments`. */
  byline?: string;
  /** One-sentence TL;DR, on cards about one paper (with `abstract`). */
  tldr?: string;
  /** 1-based rank in the full result list, when the card is a search result. */
  rank?: number;
  /** Relevance score, when the card is a search result. */
  score?: number;
  /** Why the paper matched (matched terms as `mark` spans), or the opening of its abstract. */
  snippet?: RichText;
  /** The full abstract, when the reply is about this one paper. */
  abstract?: string;
  links: CardLink[];
  highlights: string[];
  actions: Action[];
}

export interface Field {
  label: string;
  value: RichText;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: RichText }
  /** Small, secondary text (hints, sources, "did you mean"). */
  | { kind: 'note'; text: RichText }
  | { kind: 'paper'; paper: PaperCard }
  | { kind: 'list'; items: RichText[]; ordered?: boolean }
  | { kind: 'fields'; fields: Field[] }
  | { kind: 'actions'; actions: Action[] }
  /**
   * Preformatted text shown exactly as it is, to be copied (a BibTeX entry): never wrapped or
   * reflowed; where a platform limit forces a split, it is split between lines.
   * `language` names it for syntax highlighting (`bibtex`).
   */
  | { kind: 'code'; text: string; language?: string }
  | { kind: 'divider' };

export interface Paging {
  /** 1-based. */
  page: number;
  pages: number;
  total: number;
  perPage: number;
  prev?: Action;
  next?: Action;
}

/** One row of a machine-readable result list (`--json`). */
export interface ResultRow {
  id: string;
  title: string;
  name: string | null;
  score: number;
  links: CardLink[];
  arxivId: string | null;
  /** ISO date (HF listing day, else arXiv submission day), null when unknown. */
  published: string | null;
  upvotes: number | null;
}

/** Machine-readable payload behind a reply, for `--json` and for tests. */
export type ReplyData =
  /** `match`: set when a paper reference did not resolve to one paper (`results` are then the candidates). */
  | { type: 'results'; query: string; results: ResultRow[]; match?: 'ambiguous' | 'none' }
  | { type: 'paper'; paper: import('../papers/paper.ts').Paper }
  | { type: 'other'; value: unknown };

export type Tone = 'ok' | 'info' | 'empty' | 'error';

export interface Reply {
  /**
   * `ok`: an answer; `info`: help and listings; `empty`: a valid request with nothing found;
   * `error`: the request could not be carried out (bad input, unknown command, ...).
   */
  tone: Tone;
  /** One plain-text line summing up the reply (notification / fallback text). */
  summary: string;
  blocks: Block[];
  paging?: Paging;
  /**
   * The answer concerns only the person who asked (their reading list): set by the core for every
   * reply of a `personal` command, however it was asked (`saved`, `more` after it, a question).
   * Adapters show it to them alone.
   */
  personal?: true;
  /** The canonical command that produced this reply (used by "post to channel", refresh, paging). */
  command?: string;
  data?: ReplyData;
}

/** Helpers to build rich text tersely. */
export const span = {
  text: (text: string): Span => ({ kind: 'text', text }),
  strong: (text: string): Span => ({ kind: 'strong', text }),
  mark: (text: string): Span => ({ kind: 'mark', text }),
  code: (text: string): Span => ({ kind: 'code', text }),
  link: (text: string, url: string): Span => ({ kind: 'link', text, url }),
};

/** Plain text of rich text (no markup). */
export function plain(text: RichText): string {
  return text.map((s) => s.text).join('');
}
