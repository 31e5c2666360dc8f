import type { types } from '@slack/bolt';
import type { Action, Block, CardLink, PaperCard, Reply, RichText } from '../../src/core/reply.ts';
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
  blocks: KnownBlock[];
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

/** Split long raw text into pieces whose rendering is at most `max` characters, on word boundaries. */
function chunkText(raw: string, max: number, render: (s: string) => string = mrkdwnText): string[] {
  const chunks: string[] = [];
  let rest = clean(raw).trim();
  while (rest !== '') {
    const rendered = render(rest);
    if (rendered.length <= max) {
      chunks.push(rendered);
      break;
    }
    // Largest raw prefix ending on a space whose rendering fits.
    let end = Math.min(rest.length, max);
    for (;;) {
      const space = rest.lastIndexOf(' ', end);
      const cutAt = Math.max(1, space > end * 0.6 ? space : end);
      const piece = render(rest.slice(0, cutAt));
      if (piece.length <= max) {
        chunks.push(piece);
        rest = rest.slice(cutAt).trim();
        break;
      }
      if (cutAt <= 1) {
        // Cannot happen for sane limits (max >= a few characters); never loop forever.
        chunks.push(piece.slice(0, max));
        rest = rest.slice(1).trim();
        break;
      }
      end = Math.max(1, cutAt - Math.max(1, piece.length - max));
    }
  }
  return chunks;
}

/** Rich text longer than one section -> mrkdwn pieces of at most `max`, split between spans or words. */
function paragraphChunks(text: RichText, max: number): string[] {
  const chunks: string[] = [];
  let current: RichText = [];
  for (const s of text) {
    if (toMrkdwn([...current, s]).length <= max) {
      current.push(s);
      continue;
    }
    if (current.length > 0) chunks.push(toMrkdwn(current));
    current = [];
    if (toMrkdwn([s]).length <= max) {
      current = [s];
      continue;
    }
    if (s.kind === 'text' || s.kind === 'strong' || s.kind === 'mark') {
      chunks.push(...chunkText(s.text, max, (piece) => toMrkdwn([{ ...s, text: piece }])));
    } else {
      chunks.push(fitMrkdwn([s], max).text);
    }
  }
  if (current.length > 0) chunks.push(toMrkdwn(current));
  return chunks.filter((c) => c.trim() !== '');
}

function linkLabel(link: CardLink): string {
  const bare = link.url.replace(/^https?:\/\/(www\.)?/i, '').replace(/\/+$/, '');
  return cutWords(bare, 60);
}

const LINK_ICON: Record<CardLink['kind'], string> = {
  code: ':computer:',
  project: ':globe_with_meridians:',
  arxiv: ':page_facing_up:',
  pdf: ':page_facing_up:',
  hf: ':hugging_face:',
  other: ':link:',
};

class Renderer {
  #seq = 0;
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
    return {
      blocks: paragraphChunks(text, max).map(section),
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

  paper(card: PaperCard): Unit {
    const head: RichText = [];
    if (card.rank !== undefined) head.push({ kind: 'text', text: `${card.rank}. ` });
    head.push({ kind: 'strong', text: card.title });
    if (card.name && !card.title.toLowerCase().includes(card.name.toLowerCase())) {
      head.push({ kind: 'text', text: ` (${card.name})` });
    }
    if (card.tldr) head.push({ kind: 'text', text: '\n' }, { kind: 'strong', text: 'TL;DR' }, { kind: 'text', text: ` ${card.tldr}` });
    const headText = fitMrkdwn(head, 1000).text;
    const snippet = card.snippet && card.snippet.length > 0 ? toMrkdwn(card.snippet) : '';
    const top = (snippetMax: number) =>
      snippet === '' ? headText : `${headText}\n${fitMrkdwn(card.snippet ?? [], snippetMax).text}`;

    const meta: string[] = [];
    if (card.byline) meta.push(fitRendered(card.byline, L.textObject, mrkdwnText).text);
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

    const abstractChunks = card.abstract ? chunkText(card.abstract, L.sectionText) : [];
    const buttons = this.actionButtons(card.actions);

    const build = (abstract: string[], extra: Button[]): KnownBlock[] => {
      const blocks: KnownBlock[] = [section(top(L.sectionText - headText.length - 1))];
      for (const chunk of abstract) blocks.push(section(chunk));
      if (meta.length > 0) blocks.push(context(meta));
      const all = [...buttons, ...extra];
      blocks.push(...this.actionsBlocks(all));
      return blocks;
    };

    return {
      blocks: build(abstractChunks, []),
      shrink: (chars, maxBlocks) => {
        // Keep the card, cut the abstract (and offer the full text), then the snippet.
        const full = this.button('Full abstract', `show ${card.ref ?? card.id}`, 'reply', `full:${card.id}`);
        const base = build([], full ? [full] : []);
        const baseSize = blockTextSize(base);
        if (baseSize > chars || base.length > maxBlocks) return undefined;
        if (!card.abstract) return base;
        const room = Math.min(chars - baseSize - 10, L.sectionText);
        if (room < 120 || base.length + 1 > maxBlocks) return base;
        const cutAbstract = fitRendered(clean(card.abstract), room, mrkdwnText).text;
        return build([cutAbstract], full ? [full] : []);
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
  const r = new Renderer();
  const budget = options.textBudget ?? L.totalText;

  // Footer first: it is always kept.
  const footer: KnownBlock[] = [];
  const footerButtons: Button[] = [];
  const sharedBy = options.sharedBy !== undefined && USER_ID.test(options.sharedBy) ? options.sharedBy : undefined;
  if (reply.paging && reply.paging.pages > 1) {
    const p = reply.paging;
    footer.push(
      context([`Page ${p.page} of ${p.pages} · ${p.total} result${p.total === 1 ? '' : 's'}`]),
    );
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

  const noticeReserve = 400;
  let charsLeft = budget - blockTextSize(footer) - noticeReserve;
  let blocksLeft = L.blocks - footer.length - 1;

  const body: KnownBlock[] = [];
  let truncated = false;
  let dropped = 0;
  const units = reply.blocks.map((b) => r.block(b));
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] as Unit;
    const size = blockTextSize(unit.blocks);
    if (!truncated && size <= charsLeft && unit.blocks.length <= blocksLeft) {
      body.push(...unit.blocks);
      charsLeft -= size;
      blocksLeft -= unit.blocks.length;
      continue;
    }
    if (!truncated) {
      truncated = true;
      const smaller = unit.shrink?.(charsLeft, blocksLeft);
      if (smaller && smaller.length > 0 && blockTextSize(smaller) <= charsLeft && smaller.length <= blocksLeft) {
        body.push(...smaller);
        charsLeft -= blockTextSize(smaller);
        blocksLeft -= smaller.length;
        continue;
      }
    }
    if (unit.blocks.length > 0) dropped += 1;
  }

  const notices: string[] = [];
  if (truncated) {
    const more = dropped > 0 ? ` ${dropped} more part${dropped === 1 ? '' : 's'} not shown.` : '';
    const hint = reply.paging
      ? ' Use a smaller `--limit` to see fewer results per page.'
      : ' Narrow the request to see the rest.';
    notices.push(`${ELLIPSIS} This reply was cut to fit Slack's message size limit.${more}${hint}`);
  }
  if (r.droppedButtons > 0 || droppedFooterButtons > 0) {
    notices.push('Some buttons are not shown because their command is too long for Slack.');
  }
  if (notices.length > 0) body.push(context(notices));

  const summary = fitRendered(reply.summary, L.fallbackText, plainTextObject).text.trim();
  return { text: summary === '' ? 'Paperboy' : summary, blocks: [...body, ...footer] };
}
