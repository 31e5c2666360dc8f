import { SLACK_LIMITS as L } from '../../adapters/slack/limits.ts';
import { blockTextSize } from '../../adapters/slack/render.ts';

/**
 * Every Block Kit limit Paperboy must respect, checked on a rendered message. Returns the list of
 * violations (empty when the message is valid), so a failing test says exactly what broke.
 */
export function limitViolations(msg: { text: string; blocks: unknown[] }): string[] {
  const v: string[] = [];
  if (typeof msg.text !== 'string' || msg.text.trim() === '') v.push('fallback text missing');
  if (msg.text.length > L.fallbackText) v.push(`fallback text ${msg.text.length} > ${L.fallbackText}`);
  if (msg.blocks.length > L.blocks) v.push(`${msg.blocks.length} blocks > ${L.blocks}`);
  const total = blockTextSize(msg.blocks);
  if (total > 11_000) v.push(`total block text ${total} > 11000`);
  const ids = new Set<string>();
  msg.blocks.forEach((raw, i) => {
    const b = raw as Record<string, unknown> & { type: string };
    const at = `block ${i} (${b.type})`;
    const text = b.text as { type: string; text: string } | undefined;
    if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > L.id)) v.push(`${at}: block_id not a string of at most ${L.id}`);
    switch (b.type) {
      case 'header':
        if (!text || text.type !== 'plain_text') v.push(`${at}: header needs plain_text`);
        else if (text.text.length > L.headerText || text.text.length < 1) v.push(`${at}: header text ${text.text.length}`);
        break;
      case 'section': {
        const fields = b.fields as { text: string }[] | undefined;
        if (!text && !fields) v.push(`${at}: section without text or fields`);
        if (text && (text.text.length > L.sectionText || text.text.length < 1)) v.push(`${at}: section text ${text.text.length}`);
        if (fields) {
          if (fields.length > L.fields) v.push(`${at}: ${fields.length} fields`);
          for (const f of fields) if (f.text.length > L.fieldText || f.text.length < 1) v.push(`${at}: field text ${f.text.length}`);
        }
        break;
      }
      case 'context': {
        const els = b.elements as { text: string }[];
        if (els.length < 1 || els.length > L.contextElements) v.push(`${at}: ${els.length} context elements`);
        for (const e of els) if (e.text.length > L.textObject || e.text.length < 1) v.push(`${at}: context text ${e.text.length}`);
        break;
      }
      case 'actions': {
        const els = b.elements as { action_id: string; value?: string; text: { text: string } }[];
        if (els.length < 1 || els.length > L.actionsElements) v.push(`${at}: ${els.length} action elements`);
        for (const e of els) {
          if (e.action_id.length > L.id) v.push(`${at}: action_id too long`);
          if (ids.has(e.action_id)) v.push(`${at}: duplicate action_id ${e.action_id}`);
          ids.add(e.action_id);
          if ((e.value ?? '').length > L.buttonValue) v.push(`${at}: button value ${e.value?.length}`);
          if (e.text.text.length > L.buttonText || e.text.text.length < 1) v.push(`${at}: button text ${e.text.text.length}`);
        }
        break;
      }
      case 'divider':
        break;
      default:
        v.push(`${at}: unexpected block type`);
    }
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
