/** Every Discord message limit, checked on a rendered message; returns the violations (empty = ok). */
import { ComponentType } from 'discord.js';
import type { DiscordMessage } from '../../adapters/discord/render.ts';

export function limitViolations(msg: DiscordMessage): string[] {
  const v: string[] = [];
  const len = (s: string | undefined) => (s ?? '').length;
  if (len(msg.content) > 2000) v.push(`content ${len(msg.content)} > 2000`);
  if (msg.content === '' && msg.embeds.length === 0) v.push('empty message');
  if (msg.embeds.length > 10) v.push(`${msg.embeds.length} embeds > 10`);
  let total = 0;
  msg.embeds.forEach((e, i) => {
    const at = `embed ${i}`;
    if (len(e.title) > 256) v.push(`${at} title ${len(e.title)} > 256`);
    if (len(e.description) > 4096) v.push(`${at} description ${len(e.description)} > 4096`);
    if ((e.fields?.length ?? 0) > 25) v.push(`${at} ${e.fields?.length} fields > 25`);
    for (const f of e.fields ?? []) {
      if (len(f.name) > 256 || len(f.name) === 0) v.push(`${at} field name length ${len(f.name)}`);
      if (len(f.value) > 1024 || len(f.value) === 0) v.push(`${at} field value length ${len(f.value)}`);
      total += len(f.name) + len(f.value);
    }
    if (len(e.footer?.text) > 2048) v.push(`${at} footer > 2048`);
    if (len(e.author?.name) > 256) v.push(`${at} author > 256`);
    if (e.title === undefined && e.description === undefined && !e.fields?.length && !e.footer) v.push(`${at} is empty`);
    total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  });
  if (total > 6000) v.push(`embeds total ${total} > 6000`);
  if (msg.components.length > 5) v.push(`${msg.components.length} rows > 5`);
  const ids = new Set<string>();
  for (const row of msg.components) {
    if (row.components.length > 5 || row.components.length === 0) v.push(`row with ${row.components.length} buttons`);
    for (const b of row.components) {
      if (b.type !== ComponentType.Button) continue;
      if ('label' in b && (len(b.label) > 80 || len(b.label) === 0)) v.push(`label "${b.label}" length ${len(b.label)}`);
      if ('custom_id' in b) {
        if (b.custom_id.length > 100 || b.custom_id.length === 0) v.push(`custom_id length ${b.custom_id.length}`);
        if (ids.has(b.custom_id)) v.push(`duplicate custom_id ${b.custom_id}`);
        ids.add(b.custom_id);
      }
      if ('url' in b && !/^https?:\/\//.test(b.url)) v.push(`bad url button ${b.url}`);
    }
  }
  if (JSON.stringify(msg.allowedMentions) !== '{"parse":[]}') v.push('allowedMentions is not {parse: []}');
  return v;
}

/** All markdown-bearing text of a message, for content assertions. */
export function allText(msg: DiscordMessage): string {
  return [
    msg.content,
    ...msg.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]),
    ...msg.components.flatMap((r) => r.components.map((b) => ('label' in b ? (b.label ?? '') : ''))),
  ].join('\n');
}
