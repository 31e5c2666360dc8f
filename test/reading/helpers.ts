import { PaperSchema, type Paper } from '../../src/papers/paper.ts';
import { bracesBalance } from '../../src/reading/latex.ts';

/** A validated paper record with only what a test names (an arXiv-fed paper by default). */
export function paper(over: Partial<Paper> & { id: string; title: string }): Paper {
  return PaperSchema.parse({
    aliases: [],
    abstract: 'An abstract.',
    links: [],
    highlights: [],
    sources: [{ feed: 'arxiv', date: '2024-04-22' }],
    ...over,
  });
}

export interface ParsedEntry {
  type: string;
  key: string;
  fields: Record<string, string>;
}

/**
 * A strict reader for the entries Paperboy writes: `@type{key,` then `  name = {value}` fields,
 * comma-separated, then `}`. Values are read by brace depth, so an unbalanced value fails here
 * the way it would fail in BibTeX. Throws on anything else.
 */
export function parseBibtex(text: string): ParsedEntry[] {
  const out: ParsedEntry[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) return out;
    const head = /^@(\w+)\{([A-Za-z0-9:_.-]+),\n/.exec(text.slice(i));
    if (!head) throw new Error(`no entry head at ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
    i += head[0].length;
    const fields: Record<string, string> = {};
    for (;;) {
      const f = /^ {2}(\w+) = \{/.exec(text.slice(i));
      if (!f) throw new Error(`no field at ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
      i += f[0].length;
      let depth = 1;
      const start = i;
      while (i < text.length && depth > 0) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        i++;
      }
      if (depth !== 0) throw new Error(`unbalanced value of ${f[1]}`);
      const value = text.slice(start, i - 1);
      if (value.includes('\n')) throw new Error(`newline in ${f[1]}`);
      if (f[1]! in fields) throw new Error(`field ${f[1]} twice`);
      fields[f[1]!] = value;
      if (text.startsWith(',\n', i)) {
        i += 2;
        continue;
      }
      if (text.startsWith('\n}', i)) {
        i += 2;
        break;
      }
      throw new Error(`bad end of field ${f[1]} at ${i}: ${JSON.stringify(text.slice(i, i + 20))}`);
    }
    for (const [k, v] of Object.entries(fields)) if (!bracesBalance(v)) throw new Error(`unbalanced ${k}`);
    out.push({ type: head[1]!, key: head[2]!, fields });
  }
}
