import type { Action, Block, PaperCard, Reply, RichText, Span } from '../reply/reply.ts';
import { stripTerminalControls } from '../text/control.ts';

export interface TextOptions {
  /** ANSI colours and bold (a TTY). Default false. */
  color?: boolean;
  /** Wrap width in columns. Default 88. */
  width?: number;
}

type Style = 'plain' | 'bold' | 'mark' | 'code' | 'link' | 'dim' | 'heading';

const ANSI: Record<Style, [string, string]> = {
  plain: ['', ''],
  bold: ['\x1b[1m', '\x1b[22m'],
  mark: ['\x1b[1;33m', '\x1b[22;39m'],
  code: ['\x1b[36m', '\x1b[39m'],
  link: ['\x1b[4;34m', '\x1b[24;39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  heading: ['\x1b[1;4m', '\x1b[22;24m'],
};

/**
 * Remove terminal escape sequences, control characters and bidi controls from data-derived text.
 * Every piece of text the renderer prints goes through here (in `wrap` and `styled`): the only
 * escape sequences in its output are its own colours.
 */
export function sanitize(s: string): string {
  return stripTerminalControls(s);
}

interface Piece {
  text: string;
  style: Style;
}

function spanPieces(spans: RichText, base: Style = 'plain'): Piece[] {
  return spans.flatMap((s: Span): Piece[] => {
    const text = sanitize(s.text);
    switch (s.kind) {
      case 'text':
        return [{ text, style: base }];
      case 'strong':
        return [{ text, style: 'bold' }];
      case 'mark':
        return [{ text, style: 'mark' }];
      case 'code':
        return [{ text, style: 'code' }];
      case 'link': {
        const url = sanitize(s.url);
        return text === url || text === ''
          ? [{ text: url, style: 'link' }]
          : [
              { text, style: base },
              { text: ` (${url})`, style: 'link' },
            ];
      }
    }
  });
}

/** Word-wrap styled pieces to `width`, prefixing each line with `indent` (first line may differ). */
function wrap(pieces: Piece[], width: number, indent: string, firstIndent = indent, color = false): string[] {
  // Tokenise into words that keep their style; whitespace separates words.
  const words: Piece[][] = [];
  let cur: Piece[] = [];
  let pendingSpace = false;
  for (const p of pieces) {
    const parts = sanitize(p.text).split(/(\s+)/);
    for (const part of parts) {
      if (part === '') continue;
      if (/^\s+$/.test(part)) {
        if (cur.length) words.push(cur);
        cur = [];
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && cur.length) {
        words.push(cur);
        cur = [];
      }
      pendingSpace = false;
      cur.push({ text: part, style: p.style });
    }
  }
  if (cur.length) words.push(cur);

  const paint = (w: Piece[]) => w.map((p) => (color && p.style !== 'plain' ? `${ANSI[p.style][0]}${p.text}${ANSI[p.style][1]}` : p.text)).join('');
  const len = (w: Piece[]) => w.reduce((n, p) => n + [...p.text].length, 0);
  const lines: string[] = [];
  let line = '';
  let lineLen = 0;
  let prefix = firstIndent;
  for (const w of words) {
    const l = len(w);
    if (lineLen > 0 && prefix.length + lineLen + 1 + l > width) {
      lines.push(prefix + line);
      prefix = indent;
      line = '';
      lineLen = 0;
    }
    line += (lineLen > 0 ? ' ' : '') + paint(w);
    lineLen += (lineLen > 0 ? 1 : 0) + l;
  }
  if (lineLen > 0 || lines.length === 0) lines.push(prefix + line);
  return lines;
}

function styled(text: string, style: Style, color: boolean): string {
  const t = sanitize(text);
  return color && style !== 'plain' ? `${ANSI[style][0]}${t}${ANSI[style][1]}` : t;
}

/** One button as a terminal hint: `Label › command`. */
function hintPieces(a: Action): Piece[] {
  return [
    { text: a.label, style: 'bold' },
    { text: ` › ${a.command}`, style: 'dim' },
  ];
}

/** Hints one per line (`Label › command`), so one never runs into the next. */
function hintLines(actions: readonly Action[], width: number, color: boolean): string[] {
  return actions.flatMap((a) => wrap(hintPieces(a), width, '    ', '', color));
}

/**
 * A card's command hints (`show snapkv · similar snapkv`): as many to a line as fit, each kept
 * whole on one line (a hint wider than the line by itself is word-wrapped).
 */
function packedHints(commands: readonly string[], width: number, indent: string, color: boolean): string[] {
  const sep = ' · ';
  const lines: string[] = [];
  let line: string[] = [];
  let lineLen = 0;
  const flush = () => {
    if (line.length) lines.push(indent + line.map((c) => styled(c, 'dim', color)).join(styled(sep, 'dim', color)));
    line = [];
    lineLen = 0;
  };
  for (const raw of commands) {
    const c = sanitize(raw);
    const l = [...c].length;
    if (line.length && indent.length + lineLen + sep.length + l > width) flush();
    if (!line.length && indent.length + l > width) {
      lines.push(...wrap([{ text: c, style: 'dim' }], width, indent + '  ', indent, color));
      continue;
    }
    lineLen += (line.length ? sep.length : 0) + l;
    line.push(c);
  }
  flush();
  return lines;
}

const LINK_LABEL: Record<PaperCard['links'][number]['kind'], string> = {
  code: 'code',
  project: 'project',
  arxiv: 'arxiv',
  pdf: 'pdf',
  hf: 'hf',
  other: 'link',
};

function card(c: PaperCard, width: number, color: boolean): string[] {
  const num = c.rank !== undefined ? `${c.rank}. ` : '';
  const pad = ' '.repeat(Math.max(3, num.length));
  // A ranked title hangs after its number; a lone card (one paper's reply) starts at the margin.
  const out =
    c.rank !== undefined
      ? wrap([{ text: c.title, style: 'bold' }], width, pad, num.padEnd(pad.length), color)
      : wrap([{ text: c.title, style: 'bold' }], width, '', '', color);
  if (c.byline) out.push(...wrap([{ text: c.byline, style: 'dim' }], width, pad, pad, color));
  if (c.tldr)
    out.push(
      ...wrap(
        [
          { text: 'TL;DR ', style: 'bold' },
          { text: c.tldr, style: 'plain' },
        ],
        width,
        pad,
        pad,
        color,
      ),
    );
  if (c.abstract) {
    out.push('');
    out.push(...wrap([{ text: c.abstract, style: 'plain' }], width, pad, pad, color));
  } else if (c.snippet?.length) {
    out.push(...wrap(spanPieces(c.snippet), width, pad, pad, color));
  }
  if (c.highlights.length) {
    out.push(...wrap([{ text: `▸ ${c.highlights.join(' · ')}`, style: 'plain' }], width, pad + '  ', pad, color));
  }
  for (const l of c.links) out.push(`${pad}${LINK_LABEL[l.kind]}: ${styled(l.url, 'link', color)}`);
  if (c.actions.length)
    out.push(
      ...packedHints(
        c.actions.map((a) => a.command),
        width,
        pad,
        color,
      ),
    );
  return out;
}

/** Code spans of a block (`show snapkv` in a list of candidates): a hint repeating one adds nothing. */
function codeTexts(b: Block): string[] {
  const of = (t: RichText) => t.filter((x) => x.kind === 'code').map((x) => x.text);
  switch (b.kind) {
    case 'paragraph':
    case 'note':
      return of(b.text);
    case 'list':
      return b.items.flatMap(of);
    case 'fields':
      return b.fields.flatMap((f) => of(f.value));
    default:
      return [];
  }
}

function block(b: Block, width: number, color: boolean, shown: ReadonlySet<string>): string[] {
  switch (b.kind) {
    case 'heading':
      return [styled(b.text, 'heading', color)];
    case 'paragraph':
      return wrap(spanPieces(b.text), width, '', '', color);
    case 'note':
      return wrap(spanPieces(b.text, 'dim'), width, '', '', color);
    case 'paper':
      return card(b.paper, width, color);
    case 'list':
      return b.items.flatMap((item, i) => {
        const bullet = b.ordered ? `${i + 1}. ` : '• ';
        return wrap(spanPieces(item), width, ' '.repeat(bullet.length + 2), `  ${bullet}`, color);
      });
    case 'fields': {
      const w = Math.min(24, Math.max(...b.fields.map((f) => sanitize(f.label).length)) + 1);
      return b.fields.flatMap((f) =>
        wrap(spanPieces(f.value), width, ' '.repeat(w + 3), `  ${styled(`${sanitize(f.label)}:`.padEnd(w), 'bold', color)} `, color),
      );
    }
    case 'actions':
      // A button whose command the reply already prints (a candidate list) is not repeated.
      return hintLines(
        b.actions.filter((a) => !shown.has(a.command)),
        width,
        color,
      );
    case 'code':
      return codeLines(b.text, color);
    case 'divider':
      return ['─'.repeat(Math.min(width, 40))];
  }
}

/** Preformatted text line for line, never wrapped (so it copies exactly); only control characters go. */
function codeLines(text: string, color: boolean): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((l) => styled(l, 'code', color));
}

/** What a post to a channel (not an answer to a command) is: a schedule's post, or a watch's alert. */
export type PostKind = 'schedule' | 'watch';

const POST_MARKER: Record<PostKind, string> = { schedule: 'scheduled post', watch: 'watch alert' };

/**
 * A post as the terminal prints it: a marker line saying what it is (`── scheduled post ──`,
 * `── watch alert ──`; `── post ──` when the kind is not known), then the reply.
 */
export function postText(reply: Reply, opts: TextOptions & { kind?: PostKind } = {}): string {
  const marker = opts.kind ? POST_MARKER[opts.kind] : 'post';
  return `${styled(`── ${marker} ──`, 'dim', opts.color ?? false)}\n${renderText(reply, opts)}`;
}

/**
 * A reply that exports text (BibTeX from `cite` and `saved --bibtex`: its code blocks), split for
 * a redirected stdout: `data`, the code blocks exactly as `renderText` prints them (blank line
 * between two), for the file; `rest`, the rest of the reply (heading, counts, notes, hints), for
 * the person (stderr). Undefined when the reply has no code block.
 */
export function renderExport(reply: Reply, opts: TextOptions = {}): { data: string; rest: string } | undefined {
  const codes = reply.blocks.filter((b): b is Extract<Block, { kind: 'code' }> => b.kind === 'code');
  if (codes.length === 0) return undefined;
  const color = opts.color ?? false;
  const data = codes.map((b) => codeLines(b.text, color).join('\n')).join('\n\n');
  const rest = renderText({ ...reply, blocks: reply.blocks.filter((b) => b.kind !== 'code') }, opts);
  return { data, rest };
}

/** Render a reply as terminal text (pure). Blocks are separated by blank lines where it reads better. */
export function renderText(reply: Reply, opts: TextOptions = {}): string {
  const width = Math.max(40, opts.width ?? 88);
  const color = opts.color ?? false;
  const out: string[] = [];
  let prev: Block['kind'] | undefined;
  const shown = new Set<string>();
  for (const b of reply.blocks) {
    const lines = block(b, width, color, shown);
    for (const c of codeTexts(b)) shown.add(c);
    if (lines.length === 0) continue;
    const tight = (prev === 'heading' && b.kind === 'note') || (prev === 'note' && b.kind === 'note') || prev === undefined;
    if (!tight) out.push('');
    out.push(...lines);
    prev = b.kind;
  }
  if (reply.paging) {
    const p = reply.paging;
    const acts = [p.prev, p.next].filter((a): a is Action => !!a);
    out.push('');
    out.push(styled(`Page ${p.page} of ${p.pages}`, 'dim', color));
    out.push(...hintLines(acts, width, color));
  }
  if (out.length === 0) out.push(sanitize(reply.summary));
  return out.join('\n');
}
