import type { types } from '@slack/bolt';
import type { Action, Block, CardLink, PaperCard, Reply, RichText } from '../../src/reply/reply.ts';
import { actionId, type ButtonDelivery } from './action-ids.ts';
import { SLACK_LIMITS as L } from './limits.ts';
import { ELLIPSIS } from '../../src/text/cut.ts';
import { codeSections } from './code-block.ts';
import { fitMrkdwn, slackLinkUrl, toMrkdwn } from './mrkdwn.ts';
import { clean, cutWords, fitRendered, mrkdwnText, plainTextObject } from './text.ts';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** A Slack message: plain-text fallback plus Block Kit blocks, ready for `chat.postMessage`. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface SlackRenderOptions {
  /** Add a "Post to channel" button that shares `reply.command` (ephemeral replies with tone `ok` or `info`). */
  share?: boolean;
  /**
   * Slack user id of the person who shared the reply: adds a "shared by" context line, and the
   * paging buttons carry it so the next page keeps the line.
   */
  sharedBy?: string;
  /** Total text budget (defaults to `SLACK_LIMITS.totalText`). */
  textBudget?: number;
}

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** Sum of every string in a block (a conservative measure of what Slack counts). */
export function blockTextSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blockTextSize(v), 0);
  if (value !== null && typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value)) if (k !== 'type') n += blockTextSize(v);
    return n;
  }
  return 0;
}

/** A group of Slack blocks rendered from one reply block; kept or dropped as a whole. */
interface Unit {
  /** The whole unit (when `partial`, only a part of it: too long to ever fit whole). */
  blocks: KnownBlock[];
  /** `blocks` is only the start of a unit longer than the whole message budget. */
  partial?: boolean;
  /** A smaller version that fits `chars` and `blocks`, cut visibly; undefined when impossible. */
  shrink?: (chars: number, blocks: number) => KnownBlock[] | undefined;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (texts: string[]): KnownBlock => ({
  type: 'context',
  elements: texts.slice(0, L.contextElements).map((text) => ({ type: 'mrkdwn', text })),
});

/** Split mrkdwn lines into sections of at most `max` characters each. */
function linesToSections(lines: string[], max = L.sectionText): KnownBlock[] {
  const out: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > max && current !== '') {
      out.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') out.push(section(current));
  return out;
}

/** A piece of a long text: its rendering (at most the chunk size) and the raw text it came from. */
interface Chunk {
  text: string;
  raw: string;
}

/** Pieces of a long text, and whether text is left over (chunking stopped at its cap). */
interface Chunks<T> {
  chunks: T[];
  more: boolean;
}

/** A character that belongs to the one before it: combining mark, joiner, variation selector, skin tone. */
const GLUE = /^[\p{M}\u200C\u200D\uFE00-\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u;

/**
 * `at`, moved back (not below `min + 1`) until cutting `text` there splits no surrogate pair and
 * leaves no combining mark, joiner or modifier without its base character.
 */
export function safeCut(text: string, at: number, min = 0): number {
  const pairAt = (i: number) => {
    const hi = text.charCodeAt(i - 1);
    const lo = text.charCodeAt(i);
    return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
  };
  const glued = (i: number) => pairAt(i) || GLUE.test(text.slice(i, i + 2)) || text.charCodeAt(i - 1) === 0x200d;
  let i = at;
  while (i > min + 1 && i < text.length && glued(i)) i -= 1;
  // A run of marks longer than the whole piece: cut after it would be too long, so only keep pairs whole.
  if (i <= min + 1 && i < text.length && glued(i)) {
    i = at;
    if (pairAt(i)) i = i - 1 > min ? i - 1 : i + 1;
  }
  return i;
}

/** The last whitespace position in `text` in [from, to), or -1. */
function lastSpace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10) return i;
  }
  return -1;
}

/**
 * Split long raw text into pieces whose rendering is at most `max` characters, on word boundaries
 * (never inside a surrogate pair or before a combining mark). Linear in the text kept: each piece
 * renders a window of about `max` raw characters, and chunking stops once `cap` rendered
 * characters are produced (`more` then says text is left).
 */
function chunkText(raw: string, max: number, render: (s: string) => string = mrkdwnText, cap = Infinity): Chunks<Chunk> {
  const chunks: Chunk[] = [];
  // Only the part that can be kept is cleaned and rendered (rendering never shortens text by much).
  const sliced = raw.length > cap * 2 + max;
  const text = clean(sliced ? raw.slice(0, safeCut(raw, cap * 2 + max)) : raw).trim();
  const skipSpace = (i: number) => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
    return i;
  };
  let total = 0;
  let pos = skipSpace(0);
  while (pos < text.length) {
    if (total >= cap) return { chunks, more: true };
    let end = Math.min(text.length, pos + max);
    for (;;) {
      let cutAt = end;
      if (end < text.length) {
        const space = lastSpace(text, pos + 1, end + 1);
        cutAt = space > pos + (end - pos) * 0.6 ? space : safeCut(text, end, pos);
      }
      const piece = text.slice(pos, cutAt).trimEnd();
      const rendered = render(piece);
      if (rendered.length <= max) {
        chunks.push({ text: rendered, raw: piece });
        total += rendered.length;
        pos = skipSpace(cutAt);
        break;
      }
      const next = pos + Math.floor(((cutAt - pos) * max) / rendered.length);
      if (cutAt - pos <= 1 || next <= pos) {
        // One character renders longer than a whole piece: impossible for sane limits; never loop forever.
        pos = skipSpace(pos + ((text.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1));
        break;
      }
      end = Math.min(next, cutAt - 1);
    }
  }
  return { chunks, more: sliced };
}

/**
 * Rich text longer than one section -> mrkdwn pieces of at most `max`, split between spans or words.
 * Linear: a span's rendering on its own (plus two zero-width spaces at its edges) bounds what it adds
 * to a piece, so each piece is rendered once; chunking stops once `cap` characters are produced.
 */
function paragraphChunks(text: RichText, max: number, cap = Infinity): Chunks<string> {
  const chunks: string[] = [];
  let total = 0;
  const emit = (piece: RichText) => {
    if (piece.length === 0) return;
    const rendered = toMrkdwn(piece);
    if (rendered.length > max && piece.length > 1) {
      // The bound did not hold (never seen): split the piece in two.
      const half = Math.ceil(piece.length / 2);
      emit(piece.slice(0, half));
      emit(piece.slice(half));
      return;
    }
    if (rendered.trim() === '') return;
    chunks.push(rendered.length > max ? fitMrkdwn(piece, max).text : rendered);
    total += rendered.length;
  };
  let current: RichText = [];
  let estimate = 0;
  for (const s of text) {
    if (total >= cap) return { chunks, more: true };
    const alone = toMrkdwn([s]).length;
    if (alone <= max && (current.length === 0 || estimate + alone + 2 <= max)) {
      current.push(s);
      estimate += alone + 2;
      continue;
    }
    emit(current);
    current = [];
    estimate = 0;
    if (alone <= max) {
      current = [s];
      estimate = alone + 2;
      continue;
    }
    if (s.kind === 'text' || s.kind === 'strong' || s.kind === 'mark') {
      const long = chunkText(s.text, max, (piece) => toMrkdwn([{ ...s, text: piece }]), cap - total);
      for (const c of long.chunks) {
        chunks.push(c.text);
        total += c.text.length;
      }
      if (long.more) return { chunks, more: true };
    } else {
      const fitted = fitMrkdwn([s], max).text;
      chunks.push(fitted);
      total += fitted.length;
    }
  }
  emit(current);
  return { chunks, more: false };
}

function linkLabel(link: CardLink): string {
  const bare = link.url.replace(/^https?:\/\/(www\.)?/i, '').replace(/\/+$/, '');
  return cutWords(bare, 60);
}

/** Where a cut abstract can be read in full: the paper's arXiv, Hugging Face or PDF link. */
const FULL_TEXT_AT: { kind: CardLink['kind']; label: string }[] = [
  { kind: 'arxiv', label: 'arXiv' },
  { kind: 'hf', label: 'Hugging Face' },
  { kind: 'pdf', label: 'the PDF' },
];

/** The context line under a cut abstract, saying so and where the whole text is. */
function cutNote(card: PaperCard): string {
  for (const { kind, label } of FULL_TEXT_AT) {
    const link = card.links.find((l) => l.kind === kind);
    const url = link ? slackLinkUrl(link.url) : undefined;
    if (url) return `${ELLIPSIS} Abstract cut to fit Slack; read it in full on <${url}|${label}>.`;
  }
  return `${ELLIPSIS} Abstract cut to fit Slack's message size limit.`;
}

const LINK_ICON: Record<CardLink['kind'], string> = {
  code: ':computer:',
  project: ':globe_with_meridians:',
  arxiv: ':page_facing_up:',
  pdf: ':page_facing_up:',
  hf: ':hugging_face:',
  other: ':link:',
};

/** Room kept for the "cut to fit" notice. */
const NOTICE_RESERVE = 400;
/** About what a `show` reply adds around its card (heading, fields, notes). */
const SHOW_EXTRAS = 1000;

class Renderer {
  #seq = 0;
  /** Total text budget of the message. */
  readonly budget: number;
  /** The command that produced the reply, if any. */
  readonly command: string | undefined;

  constructor(budget: number, command?: string) {
    this.budget = budget;
    this.command = command;
  }

  /** Buttons that could not be rendered (command longer than a button value can carry). */
  droppedButtons = 0;

  button(label: string, command: string, delivery: ButtonDelivery, suffix?: string, primary = false, sharedBy?: string): Button | undefined {
    const value = command.trim();
    if (value === '' || value.length > L.buttonValue) {
      this.droppedButtons += 1;
      return undefined;
    }
    this.#seq += 1;
    const btn: Button = {
      type: 'button',
      action_id: actionId(delivery, delivery === 'reply' || delivery === 'ephemeral' ? `${this.#seq}.${suffix ?? ''}` : suffix, sharedBy),
      text: { type: 'plain_text', text: fitRendered(label, L.buttonText, plainTextObject).text || 'Open', emoji: true },
      value,
    };
    if (primary) btn.style = 'primary';
    return btn;
  }

  actionButtons(actions: Action[], delivery: ButtonDelivery = 'reply'): Button[] {
    const out: Button[] = [];
    for (const a of actions) {
      // A personal answer (Save) goes to the clicker alone, whatever the message's audience.
      const b = this.button(a.label, a.command, a.personal && delivery === 'reply' ? 'ephemeral' : delivery, a.id, a.style === 'primary');
      if (b) out.push(b);
    }
    return out;
  }

  actionsBlocks(buttons: Button[]): KnownBlock[] {
    const out: KnownBlock[] = [];
    for (let i = 0; i < buttons.length; i += L.actionsElements) {
      out.push({ type: 'actions', elements: buttons.slice(i, i + L.actionsElements) });
    }
    return out;
  }

  paragraph(text: RichText, wrapAs: (s: string) => KnownBlock = section, max = L.sectionText): Unit {
    const full = toMrkdwn(text);
    if (full.length <= max) {
      return {
        blocks: full.trim() === '' ? [] : [wrapAs(full)],
        shrink: (chars) => (chars < 80 ? undefined : [wrapAs(fitMrkdwn(text, Math.min(chars, max)).text)]),
      };
    }
    if (wrapAs !== section) return { blocks: [wrapAs(fitMrkdwn(text, max).text)] };
    // A long paragraph: several sections, split between spans or on word boundaries (nothing lost).
    const { chunks, more } = paragraphChunks(text, max, this.budget);
    return {
      blocks: chunks.map(section),
      partial: more,
      shrink: (chars) => (chars < 80 ? undefined : [section(fitMrkdwn(text, Math.min(chars, max)).text)]),
    };
  }

  heading(text: string): Unit {
    const plain = plainTextObject(text);
    if (plain.length <= L.headerText && plain.trim() !== '') {
      return { blocks: [{ type: 'header', text: { type: 'plain_text', text: plain, emoji: true } }] };
    }
    // Too long for a header: a bold section keeps all of it.
    return this.paragraph([{ kind: 'strong', text }]);
  }

  list(items: RichText[], ordered: boolean): Unit {
    const lines = items.map((item, i) => `${ordered ? `${i + 1}.` : '•'} ${fitMrkdwn(item, L.sectionText - 10).text}`);
    return {
      blocks: linesToSections(lines),
      shrink: (chars, blocks) => {
        const kept: string[] = [];
        let used = 0;
        for (const line of lines) {
          if (used + line.length + 1 > chars - 40) break;
          kept.push(line);
          used += line.length + 1;
        }
        if (kept.length === 0) return undefined;
        kept.push(`${ELLIPSIS} and ${lines.length - kept.length} more`);
        const out = linesToSections(kept);
        return out.length <= blocks ? out : undefined;
      },
    };
  }

  fields(fields: { label: string; value: RichText }[]): Unit {
    const texts = fields.map((f) => {
      const label = `*${mrkdwnText(f.label.trim()).replace(/\*/g, '\u2217')}*`;
      return `${label}\n${fitMrkdwn(f.value, L.fieldText - label.length - 1).text}`;
    });
    const blocks: KnownBlock[] = [];
    for (let i = 0; i < texts.length; i += L.fields) {
      blocks.push({ type: 'section', fields: texts.slice(i, i + L.fields).map((text) => ({ type: 'mrkdwn', text })) });
    }
    return { blocks };
  }

  /** Whether this reply is the `show` of `card` (then a button showing the paper repeats the reply). */
  isShowOf(card: PaperCard): boolean {
    const m = /^(?:show|paper|abstract)\s+(.+)$/i.exec(this.command?.trim() ?? '');
    const arg = m?.[1]?.trim().toLowerCase();
    return arg !== undefined && (arg === card.id.toLowerCase() || arg === card.ref?.toLowerCase());
  }

  paper(card: PaperCard): Unit {
    // A title that cleans to nothing (only invisible characters) would leave an empty section: Slack
    // rejects those, so the paper's id stands in for it.
    const title = clean(card.title).trim() !== '' ? card.title : clean(card.id).trim() || 'Untitled paper';
    const head: RichText = [];
    if (card.rank !== undefined) head.push({ kind: 'text', text: `${card.rank}. ` });
    head.push({ kind: 'strong', text: title });
    if (card.name && clean(card.name).trim() !== '' && !title.toLowerCase().includes(card.name.toLowerCase())) {
      head.push({ kind: 'text', text: ` (${card.name})` });
    }
    if (card.tldr) head.push({ kind: 'text', text: '\n' }, { kind: 'strong', text: 'TL;DR' }, { kind: 'text', text: ` ${card.tldr}` });
    const headText = fitMrkdwn(head, 1000).text;
    const snippet = card.snippet && card.snippet.length > 0 ? toMrkdwn(card.snippet) : '';
    const top = (snippetMax: number) => (snippet === '' ? headText : `${headText}\n${fitMrkdwn(card.snippet ?? [], snippetMax).text}`);

    const meta: string[] = [];
    const byline = card.byline ? fitRendered(card.byline, L.textObject, mrkdwnText).text : '';
    if (byline.trim() !== '') meta.push(byline);
    const links = card.links
      .map((l) => {
        const url = slackLinkUrl(l.url);
        return url ? `${LINK_ICON[l.kind]} <${url}|${mrkdwnText(linkLabel(l))}>` : undefined;
      })
      .filter((s): s is string => s !== undefined);
    if (links.length > 0) meta.push(fitRendered(links.join('   '), L.textObject, (s) => s).text);
    if (card.highlights.length > 0) {
      meta.push(
        `:chart_with_upwards_trend: ${fitRendered(card.highlights.map((h) => clean(h).replace(/\s+/g, ' ')).join(' · '), L.textObject - 40, mrkdwnText).text}`,
      );
    }

    // Only as much of the abstract as a message could ever hold is split (a huge one stays cheap).
    const abstract = card.abstract ? chunkText(card.abstract, L.sectionText, mrkdwnText, this.budget) : { chunks: [], more: false };
    const buttons = this.actionButtons(card.actions);

    const build = (abstractTexts: string[], extra: Button[], notes: string[] = []): KnownBlock[] => {
      const blocks: KnownBlock[] = [section(top(L.sectionText - headText.length - 1))];
      for (const text of abstractTexts) blocks.push(section(text));
      if (notes.length + meta.length > 0) blocks.push(context([...notes, ...meta]));
      const all = [...buttons, ...extra];
      blocks.push(...this.actionsBlocks(all));
      return blocks;
    };

    return {
      blocks: build(
        abstract.chunks.map((c) => c.text),
        [],
      ),
      partial: abstract.more,
      shrink: (chars, maxBlocks) => {
        const fits = (blocks: KnownBlock[]) => blockTextSize(blocks) <= chars && blocks.length <= maxBlocks;
        if (abstract.chunks.length === 0) {
          const base = build([], []);
          return fits(base) ? base : undefined;
        }
        // Keep the card and as much of the abstract as fits, over several sections; say where the
        // rest is. A "Full abstract" button (`show`) only when that reply has clearly more room.
        const note = cutNote(card);
        const full = this.isShowOf(card) ? undefined : this.button('Full abstract', `show ${card.ref ?? card.id}`, 'reply', `full:${card.id}`);
        const withButton = full ? build([], [full], [note]) : undefined;
        const plain = build([], [], [note]);
        const base = withButton && fits(withButton) ? withButton : plain;
        if (!fits(base)) {
          const bare = build([], []);
          return fits(bare) ? bare : undefined;
        }
        const baseSize = blockTextSize(base);
        let room = chars - baseSize - 10;
        let blocksRoom = maxBlocks - base.length;
        const kept: string[] = [];
        for (const chunk of abstract.chunks) {
          if (blocksRoom < 1) break;
          if (chunk.text.length > room) {
            // The last piece: cut on a word boundary, visibly (not worth it for a few words).
            if (room >= 120) kept.push(fitRendered(chunk.raw, Math.min(room, L.sectionText), mrkdwnText).text);
            break;
          }
          kept.push(chunk.text);
          room -= chunk.text.length;
          blocksRoom -= 1;
        }
        if (kept.length === abstract.chunks.length && !abstract.more && !(kept[kept.length - 1] ?? '').endsWith(ELLIPSIS)) {
          // All of it fits after all (the room was short of the whole card by its buttons or notes).
          const whole = build(kept, []);
          if (fits(whole)) return whole;
        }
        const shown = kept.reduce((n, t) => n + t.length, 0);
        // What a `show` of this paper alone could hold, roughly; the button is worth it when that is
        // at least a section's worth more than what is shown here.
        const standalone = this.budget - NOTICE_RESERVE - blockTextSize(plain) - SHOW_EXTRAS;
        const offer = base === withButton && standalone - shown >= 1000;
        return offer && full ? build(kept, [full], [note]) : build(kept, [], [note]);
      },
    };
  }

  /** Preformatted text: fenced sections split between lines; cut to whole sections when space is short. */
  code(text: string): Unit {
    const blocks = codeSections(text, L.sectionText).map(section);
    return {
      blocks,
      shrink: (chars, maxBlocks) => {
        const kept: KnownBlock[] = [];
        let used = 0;
        for (const b of blocks) {
          const size = blockTextSize(b);
          if (used + size > chars || kept.length + 1 > maxBlocks) break;
          kept.push(b);
          used += size;
        }
        return kept.length > 0 ? kept : undefined;
      },
    };
  }

  block(b: Block): Unit {
    switch (b.kind) {
      case 'heading':
        return this.heading(b.text);
      case 'paragraph':
        return this.paragraph(b.text);
      case 'note':
        return this.paragraph(b.text, (t) => context([t]), L.textObject);
      case 'paper':
        return this.paper(b.paper);
      case 'list':
        return this.list(b.items, b.ordered === true);
      case 'fields':
        return this.fields(b.fields);
      case 'actions':
        return { blocks: this.actionsBlocks(this.actionButtons(b.actions)) };
      case 'code':
        return this.code(b.text);
      case 'divider':
        return { blocks: [{ type: 'divider' }] };
    }
  }
}

/**
 * Render a neutral `Reply` as a Slack message. Pure. The result always respects Block Kit limits
 * (see `SLACK_LIMITS`): oversized content is cut on a word boundary with a visible `…` and a note
 * saying so; every reply- or data-derived string is escaped, so nothing in it can mention or link.
 */
export function renderSlack(reply: Reply, options: SlackRenderOptions = {}): SlackMessage {
  const budget = options.textBudget ?? L.totalText;
  const r = new Renderer(budget, reply.command);

  // Footer first: it is always kept.
  const footer: KnownBlock[] = [];
  const footerButtons: Button[] = [];
  const sharedBy = options.sharedBy !== undefined && USER_ID.test(options.sharedBy) ? options.sharedBy : undefined;
  if (reply.paging && reply.paging.pages > 1) {
    const p = reply.paging;
    footer.push(context([`Page ${p.page} of ${p.pages} · ${p.total} result${p.total === 1 ? '' : 's'}`]));
    if (p.prev) {
      const b = r.button(p.prev.label || 'Previous', p.prev.command, 'update', 'prev', false, sharedBy);
      if (b) footerButtons.push(b);
    }
    if (p.next) {
      const b = r.button(p.next.label || 'Next', p.next.command, 'update', 'next', false, sharedBy);
      if (b) footerButtons.push(b);
    }
  }
  // Only answers and listings are worth sharing: a "nothing found" or error reply is for its asker.
  if (options.share && reply.command && (reply.tone === 'ok' || reply.tone === 'info')) {
    const b = r.button('Post to channel', reply.command, 'public', undefined, true);
    if (b) footerButtons.push(b);
  }
  const droppedFooterButtons = r.droppedButtons;
  if (footerButtons.length > 0) footer.push(...r.actionsBlocks(footerButtons));
  if (sharedBy !== undefined) {
    footer.push(context([`Shared by <@${sharedBy}>`]));
  }

  let charsLeft = budget - blockTextSize(footer) - NOTICE_RESERVE;
  let blocksLeft = L.blocks - footer.length - 1;

  const body: KnownBlock[] = [];
  let truncated = false;
  /** No more parts are taken (an earlier one was cut and nothing was kept back for what follows). */
  let closed = false;
  let dropped = 0;
  const units = reply.blocks.map((b) => r.block(b));
  const sizes = units.map((u) => blockTextSize(u.blocks));
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] as Unit;
    const size = sizes[i] ?? 0;
    if (!closed && !unit.partial && size <= charsLeft && unit.blocks.length <= blocksLeft) {
      body.push(...unit.blocks);
      charsLeft -= size;
      blocksLeft -= unit.blocks.length;
      continue;
    }
    if (!closed) {
      truncated = true;
      closed = true;
      // When what follows is small and whole (a `show` reply's fields after a long abstract), the
      // cut part leaves room for it; otherwise it takes all the room left.
      const rest = units.slice(i + 1);
      const restSize = sizes.slice(i + 1).reduce((n, x) => n + x, 0);
      const restBlocks = rest.reduce((n, u) => n + u.blocks.length, 0);
      const keepRest = rest.length > 0 && !rest.some((u) => u.partial) && restSize <= charsLeft / 4 && restBlocks < blocksLeft / 2;
      const tries: [number, number, boolean][] = [[charsLeft, blocksLeft, false]];
      if (keepRest) tries.unshift([charsLeft - restSize, blocksLeft - restBlocks, true]);
      let kept = false;
      for (const [chars, blocks, reserved] of tries) {
        const smaller = unit.shrink?.(chars, blocks);
        if (smaller && smaller.length > 0 && blockTextSize(smaller) <= chars && smaller.length <= blocks) {
          body.push(...smaller);
          charsLeft -= blockTextSize(smaller);
          blocksLeft -= smaller.length;
          closed = !reserved;
          kept = true;
          break;
        }
      }
      if (kept) continue;
    }
    if (unit.blocks.length > 0) dropped += 1;
  }

  const notices: string[] = [];
  if (truncated) {
    const more = dropped > 0 ? ` ${dropped} more part${dropped === 1 ? '' : 's'} not shown.` : '';
    const hint = reply.paging ? ' Use a smaller `--limit` to see fewer results per page.' : ' Narrow the request to see the rest.';
    notices.push(`${ELLIPSIS} This reply was cut to fit Slack's message size limit.${more}${hint}`);
  }
  if (r.droppedButtons > 0 || droppedFooterButtons > 0) {
    notices.push('Some buttons are not shown because their command is too long for Slack.');
  }
  if (notices.length > 0) body.push(context(notices));

  const summary = fitRendered(reply.summary, L.fallbackText, plainTextObject).text.trim();
  return { text: summary === '' ? 'Paperboy' : summary, blocks: [...body, ...footer] };
}
