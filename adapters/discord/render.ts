/**
 * `renderDiscord(reply)`: the neutral `Reply` as a Discord message (content, embeds, buttons).
 * Pure: the only outside input is `customId`, which maps each button's action to a custom_id
 * (the adapter stores the action's command under a short key; tests pass a deterministic one).
 *
 * Every Discord limit in `limits.ts` holds for any reply; text that does not fit is cut on a word
 * boundary with a visible `…` (paper cards keep an "Abstract" button to read the rest).
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from 'discord.js';
import type { Action, Block, PaperCard, Reply, RichText } from '../../src/reply/reply.ts';
import type { Delivery } from '../shared/requests.ts';
import { codeChunks, fencedCode } from './code-block.ts';
import { LIMITS, TONE_COLOR } from './limits.ts';
import { labelText } from './markdown.ts';
import { richMd } from './rich.ts';
import { cutWords } from '../../src/text/cut.ts';

/** What a click on a button does with its reply: replace the clicked message, or answer privately. */
export type ButtonDelivery = Extract<Delivery, 'update' | 'ephemeral'>;

/** Maps an action to the custom_id of its button (<= 100 characters, unique within a message). */
export type CustomIdFor = (action: Action, delivery: ButtonDelivery) => string;

export interface RenderOptions {
  customId?: CustomIdFor;
}

/** `allowed_mentions` that pings nobody. */
export interface NoMentions {
  parse: [];
}

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  allowedMentions: NoMentions;
}

/** A line of an embed description, rendered at a given maximum length. */
interface Line {
  render(max: number): string;
  /** Reserved first when space is short (short, valuable lines such as links). */
  keep?: boolean;
}

interface EmbedDraft {
  /** Small line above the title (a heading that introduces a single paper). */
  author?: string;
  title?: string;
  lines: Line[];
  fields: { label: string; value: RichText }[];
  footer?: string;
}

const SEP = '\n';
const LINK_NAMES: Record<PaperCard['links'][number]['kind'], string> = {
  code: 'Code',
  project: 'Project page',
  arxiv: 'arXiv',
  pdf: 'PDF',
  hf: 'Hugging Face',
  other: 'Link',
};

function richLine(rich: RichText, prefix = ''): Line {
  return {
    render: (max) => {
      const room = max - prefix.length;
      if (room <= 0) return '';
      const body = richMd(rich, room, prefix === '');
      return body === '' ? '' : `${prefix}${body}`;
    },
  };
}

function textLine(text: string, prefix = ''): Line {
  return richLine([{ kind: 'text', text }], prefix);
}

/** Lines rendered into at most `max` characters; keep-lines first, the rest in order until one is cut. */
function fitLines(lines: Line[], max: number): string {
  const full = lines.map((l) => l.render(Number.POSITIVE_INFINITY));
  const joined = full.filter((s) => s !== '').join(SEP);
  if (joined.length <= max) return joined;
  const out: string[] = lines.map(() => '');
  let used = 0;
  const add = (i: number, s: string) => {
    if (s === '') return;
    used += s.length + (used > 0 ? SEP.length : 0);
    out[i] = s;
  };
  lines.forEach((l, i) => {
    if (l.keep && used + full[i]!.length + SEP.length <= max) add(i, full[i]!);
  });
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.keep || full[i] === '') continue;
    const room = max - used - (used > 0 ? SEP.length : 0);
    if (full[i]!.length <= room) {
      add(i, full[i]!);
      continue;
    }
    add(i, lines[i]!.render(room));
    break;
  }
  return out.filter((s) => s !== '').join(SEP);
}

/** Plain title text (inline markdown escaped: titles render bold/italics, not blocks), cut to `max`. */
function titleText(text: string, max: number = LIMITS.embedTitle): string {
  return richMd([{ kind: 'text', text: text.replace(/\s+/g, ' ').trim() }], max, false);
}

function linksLine(card: PaperCard): Line | undefined {
  if (card.links.length === 0) return undefined;
  const rich: RichText = [];
  card.links.forEach((l, i) => {
    if (i > 0) rich.push({ kind: 'text', text: ' · ' });
    rich.push({ kind: 'link', text: LINK_NAMES[l.kind], url: l.url });
  });
  return { ...richLine(rich), keep: true };
}

function paperTitle(card: PaperCard): string {
  return card.rank !== undefined ? `${card.rank}. ${card.title}` : card.title;
}

function paperDraft(card: PaperCard): EmbedDraft {
  const lines: Line[] = [];
  if (card.byline) lines.push({ ...richLine([{ kind: 'text', text: card.byline }], '-# '), keep: true });
  if (card.tldr)
    lines.push({
      ...richLine([
        { kind: 'strong', text: 'TL;DR' },
        { kind: 'text', text: ` ${card.tldr}` },
      ]),
      keep: true,
    });
  if (card.abstract !== undefined) lines.push(textLine(card.abstract));
  else if (card.snippet && card.snippet.length > 0) lines.push(richLine(card.snippet));
  if (card.highlights.length > 0) {
    lines.push({ ...richLine([{ kind: 'text', text: card.highlights.join(' · ') }], '-# '), keep: true });
  }
  const links = linksLine(card);
  if (links) lines.push(links);
  return { title: paperTitle(card), lines, fields: [], footer: footerOf(card) };
}

/**
 * How to name the paper in a command: the reference its buttons use (`card.ref`: its short name
 * when that is unambiguous, else its id). The footer shows the name alone when typing it is enough.
 */
function footerOf(card: PaperCard): string {
  const ref = card.ref ?? card.id;
  if (card.name && ref === card.name.toLowerCase()) return card.name;
  return card.name ? `${card.name} · id: ${ref}` : `id: ${ref}`;
}

/** A paper as one compact line (when a reply has more papers than a message has embeds). */
function compactPaperLine(card: PaperCard): Line {
  const rich: RichText = [
    { kind: 'strong', text: paperTitle(card) },
    { kind: 'text', text: ' ' },
    { kind: 'code', text: card.id },
  ];
  return richLine(rich);
}

/**
 * Longest fenced code block per embed: a description holds 4096 characters; the rest is room for a
 * note beside it.
 */
const CODE_BLOCK_MAX = 3900;

/** A code block as a description line: fenced, and cut between lines (fences kept) when space is short. */
function codeLine(lines: readonly string[], language: string | undefined): Line {
  return { render: (max) => fencedCode(lines, language, Math.min(max, CODE_BLOCK_MAX)) };
}

/** Turn blocks into embed drafts. */
function drafts(blocks: Block[], compact: boolean): EmbedDraft[] {
  const out: EmbedDraft[] = [];
  let current: EmbedDraft | undefined;
  const text = (): EmbedDraft => {
    if (!current) {
      current = { lines: [], fields: [] };
      out.push(current);
    }
    return current;
  };
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading': {
        const d = text();
        if (d.title === undefined && d.lines.length === 0 && d.fields.length === 0) d.title = b.text;
        else d.lines.push(richLine([{ kind: 'strong', text: b.text }]));
        break;
      }
      case 'paragraph':
        text().lines.push(richLine(b.text));
        break;
      case 'note':
        text().lines.push(richLine(b.text, '-# '));
        break;
      case 'list':
        b.items.forEach((item, i) => text().lines.push(richLine(item, b.ordered ? `${i + 1}\\. ` : '• ')));
        break;
      case 'fields':
        for (const f of b.fields) text().fields.push({ label: f.label, value: f.value });
        break;
      case 'divider':
        // An invisible line as a gap, when there is room for it.
        if (current && current.lines.length > 0) current.lines.push({ render: (max) => (max >= 1 ? '\u200b' : '') });
        break;
      case 'paper':
        if (compact) {
          text().lines.push(compactPaperLine(b.paper));
        } else {
          const draft = paperDraft(b.paper);
          // A lone heading right before a paper becomes the paper embed's author line.
          if (current && current.title !== undefined && current.lines.length === 0 && current.fields.length === 0) {
            out.pop();
            draft.author = current.title;
          }
          out.push(draft);
          current = undefined;
        }
        break;
      case 'code': {
        // The first block joins the current embed when both fit one description; the rest get their own.
        codeChunks(b.text, b.language, CODE_BLOCK_MAX).forEach((chunk, i) => {
          const line = codeLine(chunk, b.language);
          const used = current ? current.lines.reduce((n, l) => n + l.render(Number.POSITIVE_INFINITY).length + SEP.length, 0) : 0;
          if (i === 0 && current && current.fields.length === 0 && used + line.render(CODE_BLOCK_MAX).length <= LIMITS.embedDescription - 100) {
            current.lines.push(line);
          } else {
            current = { lines: [line], fields: [] };
            out.push(current);
          }
        });
        break;
      }
      case 'actions':
        break;
    }
  }
  // Every draft has something: a new one starts only for a heading, a line, fields or a paper.
  return out;
}

/** Fields beyond 25 (or with nothing to show) move into the description as lines. */
function splitFields(d: EmbedDraft): { fields: EmbedDraft['fields']; extra: Line[] } {
  const fields = d.fields.slice(0, LIMITS.embedFields);
  const extra = d.fields.slice(LIMITS.embedFields).map((f) => richLine([{ kind: 'strong', text: `${f.label}: ` }, ...f.value]));
  return { fields, extra };
}

/** Largest cap C with sum(min(size_i, C)) <= budget. */
function waterLevel(sizes: number[], budget: number): number {
  let lo = 0;
  let hi = Math.max(0, ...sizes);
  const cost = (c: number) => sizes.reduce((s, x) => s + Math.min(x, c), 0);
  if (cost(hi) <= budget) return hi;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cost(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function buildEmbeds(reply: Reply): APIEmbed[] {
  const papers = reply.blocks.filter((b) => b.kind === 'paper').length;
  let ds = drafts(reply.blocks, false);
  if (ds.length > LIMITS.embeds) ds = drafts(reply.blocks, papers > 0);
  // Still too many (many headings/dividers): merge the tail into the last allowed embed.
  if (ds.length > LIMITS.embeds) {
    const keep = ds.slice(0, LIMITS.embeds - 1);
    const tail = ds.slice(LIMITS.embeds - 1);
    // Only the first draft can have a title (a heading starts a new draft only at the start or after
    // a paper embed, and there are none in the compact form): the tail is lines and fields.
    const merged: EmbedDraft = { lines: tail.flatMap((t) => t.lines), fields: tail.flatMap((t) => t.fields) };
    ds = [...keep, merged];
  }

  const color = TONE_COLOR[reply.tone];
  // Every text part shares the 6000-character budget: find the largest per-part cap that fits
  // (normal replies are far below it, so nothing is cut), then render each part within it.
  const prepared = ds.map((d) => {
    const { fields, extra } = splitFields(d);
    const lines = [...d.lines, ...extra];
    return {
      d,
      fields,
      lines,
      sizes: {
        author: d.author !== undefined ? cutWords(labelText(d.author), LIMITS.authorName).length : 0,
        title: d.title !== undefined ? titleText(d.title).length : 0,
        footer: d.footer !== undefined ? cutWords(labelText(d.footer), LIMITS.footer).length : 0,
        desc: fitLines(lines, LIMITS.embedDescription).length,
        names: fields.map((f) => Math.max(1, titleText(f.label, LIMITS.fieldName).length)),
        values: fields.map((f) => Math.max(1, richMd(f.value, LIMITS.fieldValue).length)),
      },
    };
  });
  const sizes = prepared.flatMap((p) => [p.sizes.author, p.sizes.title, p.sizes.footer, p.sizes.desc, ...p.sizes.names, ...p.sizes.values]);
  // Empty field names/values become one invisible character: keep room for those.
  const reserve = prepared.reduce((s, p) => s + 2 * p.fields.length, 0);
  const cap = waterLevel(sizes, LIMITS.embedsTotal - reserve);

  return prepared
    .map(({ d, fields, lines }) => {
      const e: APIEmbed = { color };
      const author = d.author !== undefined ? cutWords(labelText(d.author), Math.min(LIMITS.authorName, cap)) : '';
      if (author !== '') e.author = { name: author };
      const title = d.title !== undefined ? titleText(d.title, Math.min(LIMITS.embedTitle, cap)) : '';
      if (title !== '') e.title = title;
      const description = fitLines(lines, Math.min(LIMITS.embedDescription, cap));
      if (description !== '') e.description = description;
      if (fields.length > 0) {
        e.fields = fields.map((f): APIEmbedField => ({
          name: titleText(f.label, Math.min(LIMITS.fieldName, cap)) || '\u200b',
          value: richMd(f.value, Math.min(LIMITS.fieldValue, cap)) || '\u200b',
          inline: true,
        }));
      }
      const footer = d.footer !== undefined ? cutWords(labelText(d.footer), Math.min(LIMITS.footer, cap)) : '';
      if (footer !== '') e.footer = { text: footer };
      return e;
    })
    .filter((e) => e.author !== undefined || e.title !== undefined || e.description !== undefined || e.fields !== undefined || e.footer !== undefined);
}

/** Short name of a paper for a button label (`SnapKV`, or the title's opening words). */
function shortName(card: PaperCard): string {
  return card.name ?? cutWords(card.title, 28);
}

function label(text: string): string {
  return cutWords(labelText(text), LIMITS.buttonLabel) || 'Open';
}

const defaultCustomId = (): CustomIdFor => {
  let n = 0;
  return (_action, delivery) => `${delivery}:${n++}`;
};

function button(action: Action, delivery: ButtonDelivery, customId: CustomIdFor, text = action.label): APIButtonComponent {
  return {
    type: 2,
    style: action.style === 'primary' ? 1 : 2,
    label: label(text),
    custom_id: customId(action, delivery).slice(0, LIMITS.customId),
  };
}

function buildComponents(reply: Reply, customId: CustomIdFor): ButtonRow[] {
  const rows: APIButtonComponent[][] = [];
  const p = reply.paging;
  if (p && p.pages > 1) {
    const row: APIButtonComponent[] = [];
    row.push(p.prev ? button(p.prev, 'update', customId) : { type: 2, style: 2, label: '◀ Previous', custom_id: 'noop:prev', disabled: true });
    row.push({ type: 2, style: 2, label: label(`Page ${p.page} of ${p.pages}`), custom_id: 'noop:page', disabled: true });
    row.push(p.next ? button(p.next, 'update', customId) : { type: 2, style: 2, label: 'Next ▶', custom_id: 'noop:next', disabled: true });
    rows.push(row);
  }

  const cards = reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper] : []));
  const loose: APIButtonComponent[] = [];
  for (const b of reply.blocks) {
    if (b.kind === 'actions') for (const a of b.actions) loose.push(button(a, 'ephemeral', customId));
  }
  for (const card of cards) {
    for (const a of card.actions) {
      loose.push(button(a, 'ephemeral', customId, cards.length > 1 ? `${a.label}: ${shortName(card)}` : a.label));
    }
  }
  if (cards.length === 1) {
    for (const l of cards[0]!.links) {
      if (/^https?:\/\//.test(l.url) && l.url.length <= LIMITS.url) {
        loose.push({ type: 2, style: 5, label: LINK_NAMES[l.kind], url: l.url });
      }
    }
  }
  for (let i = 0; i < loose.length; i += LIMITS.buttonsPerRow) rows.push(loose.slice(i, i + LIMITS.buttonsPerRow));
  return rows.slice(0, LIMITS.actionRows).map((components) => ({ type: 1, components }));
}

/** Render a reply as a Discord message that respects every message limit. */
export function renderDiscord(reply: Reply, options: RenderOptions = {}): DiscordMessage {
  const embeds = buildEmbeds(reply);
  const components = buildComponents(reply, options.customId ?? defaultCustomId());
  const content = embeds.length > 0 ? '' : richMd([{ kind: 'text', text: reply.summary }], LIMITS.content) || 'Done.';
  return { content, embeds, components, allowedMentions: { parse: [] } };
}
