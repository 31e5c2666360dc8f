import { SLACK_LIMITS as L } from '../../adapters/slack/limits.ts';
import { blockTextSize } from '../../adapters/slack/render.ts';
import { slackRefusal } from '../fakes/slack/block-kit.ts';

/** Paperboy's ceiling for all the text in a message's blocks: its budget (`totalText`) plus room for notes. */
const TOTAL_TEXT = 11_000;
/** The block types the renderer makes. */
const RENDERED_TYPES = new Set(['header', 'section', 'context', 'actions', 'divider']);

/**
 * What is wrong with a rendered message: everything Slack would refuse (test/fakes/slack/block-kit.ts,
 * in Slack's words), and what breaks Paperboy's own budgets (adapters/slack/limits.ts: fallback text,
 * total text, the block types it renders). Empty when the message is fine, so a failing test says
 * exactly what broke.
 */
export function limitViolations(msg: { text: string; blocks: unknown[] }): string[] {
  const v: string[] = [];
  const refusal = slackRefusal(msg);
  if (refusal) v.push(...(refusal.errors.length > 0 ? refusal.errors.map((e) => `${refusal.error}: ${e}`) : [refusal.error]));
  if (typeof msg.text !== 'string' || msg.text.trim() === '') v.push('fallback text missing');
  else if (msg.text.length > L.fallbackText) v.push(`fallback text ${msg.text.length} > ${L.fallbackText}`);
  const total = blockTextSize(msg.blocks);
  if (total > TOTAL_TEXT) v.push(`total block text ${total} > ${TOTAL_TEXT}`);
  msg.blocks.forEach((b, i) => {
    const type = (b as { type?: unknown }).type;
    if (typeof type !== 'string' || !RENDERED_TYPES.has(type)) v.push(`block ${i}: unexpected block type ${String(type)}`);
  });
  return v;
}

/**
 * Every displayed string in a message (for "no raw mention" checks). Button `value`s are skipped:
 * Slack never displays or parses them (they carry the raw command text back to us).
 */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'value') allStrings(v, out);
  }
  return out;
}

/**
 * Slack control sequences that ping or link: `<!channel>`, `<!here>`, `<!everyone>`, `<@U..>`,
 * `<#C..>`, `<!subteam^..>`. `allowUser` permits our own "Shared by <@U..>" line.
 */
export function pings(msg: unknown, allowUser?: string): string[] {
  const found: string[] = [];
  for (const s of allStrings(msg)) {
    for (const m of s.matchAll(/<[!@#][^>]*>/g)) {
      if (allowUser && m[0] === `<@${allowUser}>`) continue;
      found.push(m[0]);
    }
  }
  return found;
}
