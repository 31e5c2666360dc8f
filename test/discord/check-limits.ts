/**
 * Every Discord message limit, checked on a rendered message; returns the violations (empty = ok).
 * Discord's own rules are the fake Discord's (`form-body.ts`: what Discord answers 50035 or 50006
 * for); on top of them, what the adapter promises itself: some text in every message, no empty
 * embed, field or button label, and no mentions.
 */
import { ComponentType } from 'discord.js';
import type { DiscordMessage } from '../../adapters/discord/render.ts';
import { describeProblem, isEmptyMessage, messageProblems } from '../fakes/discord/form-body.ts';

export function limitViolations(msg: DiscordMessage): string[] {
  const body = { content: msg.content, embeds: msg.embeds, components: msg.components };
  const v = messageProblems(body).map(describeProblem);
  if (isEmptyMessage(body)) v.push('empty message (50006)');
  else if (msg.content === '' && msg.embeds.length === 0) v.push('no text: only buttons');
  msg.embeds.forEach((e, i) => {
    if (e.title === undefined && e.description === undefined && !e.fields?.length && !e.footer) v.push(`embed ${i} is empty`);
  });
  for (const row of msg.components) {
    for (const b of row.components) {
      if (b.type === ComponentType.Button && 'label' in b && (b.label ?? '') === '') v.push('a button without a label');
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
