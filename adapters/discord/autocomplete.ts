/**
 * Autocomplete choices for `/papers` options: paper references (via the search engine's
 * `complete`), topic names and command names. Pure given its inputs; bounded to Discord's
 * 25 choices with names and values of at most 100 characters.
 */
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { Command } from '../../src/commands/command.ts';
import type { SearchEngine } from '../../src/search/types.ts';
import type { Topic } from '../../src/library/topics.ts';
import { LIMITS } from './limits.ts';
import { labelText } from './markdown.ts';
import type { CompletionSource } from './slash-command.ts';
import { cutWords } from '../../src/text/cut.ts';

export interface CompletionData {
  engine: SearchEngine;
  topics: readonly Topic[];
  commands: readonly Command[];
}

export type Choice = APIApplicationCommandOptionChoice<string>;

function choice(name: string, value: string): Choice | undefined {
  const n = cutWords(labelText(name), LIMITS.choiceName);
  if (n === '' || value === '' || value.length > LIMITS.choiceValue) return undefined;
  return { name: n, value };
}

function matches(text: string, typed: string): boolean {
  return text.toLowerCase().includes(typed);
}

/** Up to 25 choices for what the user has typed so far in an option fed by `source`. */
export function completions(source: CompletionSource, typed: string, data: CompletionData): Choice[] {
  const t = typed.replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 100);
  let out: (Choice | undefined)[];
  switch (source) {
    case 'paper': {
      const papers = t === '' ? data.engine.papers.slice(0, LIMITS.autocompleteChoices) : data.engine.complete(t, LIMITS.autocompleteChoices);
      // The value is the paper id (the core resolves it exactly); a name stands in for an over-long id.
      out = papers.map((p) =>
        choice(
          p.name && !p.title.toLowerCase().startsWith(p.name.toLowerCase()) ? `${p.name}: ${p.title}` : p.title,
          p.id.length <= LIMITS.choiceValue ? p.id : (p.name ?? ''),
        ),
      );
      break;
    }
    case 'topic': {
      const starts = data.topics.filter((x) => x.name.startsWith(t) || x.label.toLowerCase().startsWith(t));
      const rest = data.topics.filter((x) => !starts.includes(x) && (matches(x.name, t) || matches(x.label, t)));
      out = [...starts, ...rest].map((x) => choice(`${x.label} (${x.name})`, x.name));
      break;
    }
    case 'command': {
      out = data.commands
        .filter((c) => c.name.startsWith(t) || (c.aliases ?? []).some((a) => a.startsWith(t)) || (t.length > 1 && matches(c.summary, t)))
        .map((c) => choice(`${c.name} — ${c.summary}`, c.name));
      break;
    }
  }
  const seen = new Set<string>();
  const result: Choice[] = [];
  for (const c of out) {
    if (!c || seen.has(c.value)) continue;
    seen.add(c.value);
    result.push(c);
    if (result.length === LIMITS.autocompleteChoices) break;
  }
  return result;
}
