/**
 * Snippets: a window of the abstract (or the title) around the densest cluster of matched terms,
 * with matched words as `mark` spans and `…` where the text was cut.
 */
import type { RichText } from '../reply/reply.ts';
import { isNoise, scanGroups, slashesAsHyphens, termOf, type Token } from './analyze.ts';
import { asciiShadow } from './fold.ts';

/** Longest snippet text, ellipses excluded. */
export const SNIPPET_MAX = 240;

/**
 * Marked tokens of `text`: words whose term is in `terms`, or whose hyphen-group compound is.
 * Text with an ascii shadow (most abstracts) is scanned by char code; `scannedMarks` is the
 * general path, which gives the same tokens (exported for the test that holds them equal).
 */
export function markedTokens(text: string, terms: ReadonlySet<string>): Token[] {
  // `I/O` is the group `I-O`, as `scanWords` reads it (same length: offsets hold).
  const shadow = asciiShadow(slashesAsHyphens(text));
  return shadow !== undefined ? asciiMarks(shadow, terms, headsOf(terms)) : scannedMarks(text, terms);
}

/**
 * Porter stemming only rewrites suffixes, so a word can only stem to a wanted term if it starts
 * with the term's first two characters: a cheap filter before stemming every word.
 */
function headsOf(terms: ReadonlySet<string>): Set<number> {
  const heads = new Set<number>();
  for (const t of terms) heads.add((t.charCodeAt(0) << 16) | (t.length > 1 ? t.charCodeAt(1) : 0));
  return heads;
}

/** `markedTokens` for any text (by `scanGroups`). */
export function scannedMarks(text: string, terms: ReadonlySet<string>): Token[] {
  const heads = headsOf(terms);
  const maybe = (w: string): boolean => heads.has((w.charCodeAt(0) << 16) | (w.length > 1 ? w.charCodeAt(1) : 0));
  const out: Token[] = [];
  scanGroups(text, (words, group) => {
    const first = out.length;
    for (const w of words) {
      if (w.noise || !maybe(w.folded)) continue;
      const term = termOf(w.folded);
      if (terms.has(term)) out.push({ term, folded: w.folded, start: w.start, end: w.end, group });
    }
    if (words.length < 2 || !maybe(words[0]!.folded)) return;
    let joined = '';
    for (const w of words) joined += w.folded;
    if (!terms.has(termOf(joined))) return;
    // The compound matched: mark every (non-noise) word of the group.
    out.length = first;
    for (const w of words) if (!w.noise) out.push({ term: termOf(w.folded), folded: w.folded, start: w.start, end: w.end, group });
  });
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** `markedTokens` for lowercased ascii text, scanning char codes (strings only for likely matches). */
function asciiMarks(lower: string, terms: ReadonlySet<string>, heads: ReadonlySet<number>): Token[] {
  const out: Token[] = [];
  const n = lower.length;
  let i = 0;
  let group = 0;
  while (i < n) {
    if (!isWordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const groupStart = i;
    const firstOut = out.length;
    let parts = 0;
    let joinable = false;
    for (;;) {
      const start = i;
      while (i < n && isWordChar(lower.charCodeAt(i))) i++;
      const head = (lower.charCodeAt(start) << 16) | (i - start > 1 ? lower.charCodeAt(start + 1) : 0);
      if (parts === 0) joinable = heads.has(head);
      parts++;
      if (heads.has(head)) {
        const folded = lower.slice(start, i);
        if (!isNoise(folded)) {
          const term = termOf(folded);
          if (terms.has(term)) out.push({ term, folded, start, end: i, group });
        }
      }
      if (i + 1 < n && lower.charCodeAt(i) === 45 && isWordChar(lower.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      break;
    }
    if (parts > 1 && joinable && terms.has(termOf(lower.slice(groupStart, i).replaceAll('-', '')))) {
      // The compound matched: mark every (non-noise) part of the group.
      out.length = firstOut;
      let at = groupStart;
      for (const part of lower.slice(groupStart, i).split('-')) {
        if (!isNoise(part)) out.push({ term: termOf(part), folded: part, start: at, end: at + part.length, group });
        at += part.length + 1;
      }
    }
    group++;
  }
  return out;
}

/** Move `at` forward to the start of a word (never past `limit`). */
function wordStartAtOrAfter(text: string, at: number, limit: number): number {
  if (at <= 0) return 0;
  if (/\s/.test(text[at - 1] ?? ' ')) return at;
  const space = text.slice(at, limit).search(/\s/);
  return space < 0 ? at : at + space + 1;
}

/** Move `at` back to the end of a word. */
function wordEndAtOrBefore(text: string, at: number, floor: number): number {
  if (at >= text.length) return text.length;
  if (/\s/.test(text[at] ?? ' ')) return at;
  const cut = text.slice(floor, at).search(/\s\S*$/);
  return cut < 0 ? at : floor + cut;
}

/** Rich text of `text[from..to)` with `marks` (sorted, inside the range) as mark spans. */
function render(text: string, from: number, to: number, marks: readonly Token[]): RichText {
  const out: RichText = [];
  if (from > 0) out.push({ kind: 'text', text: '…' });
  let at = from;
  for (const m of marks) {
    if (m.start < at || m.end > to) continue;
    if (m.start > at) out.push({ kind: 'text', text: text.slice(at, m.start) });
    out.push({ kind: 'mark', text: text.slice(m.start, m.end) });
    at = m.end;
  }
  if (at < to) out.push({ kind: 'text', text: text.slice(at, to) });
  if (to < text.length) out.push({ kind: 'text', text: '…' });
  // Merge adjacent text spans.
  const merged: RichText = [];
  for (const s of out) {
    const prev = merged[merged.length - 1];
    if (prev && prev.kind === 'text' && s.kind === 'text') prev.text += s.text;
    else merged.push({ ...s });
  }
  return merged;
}

/** The window of `text` (<= max chars) with the most distinct matched terms (then most marks). */
function bestWindow(text: string, marks: readonly Token[], max: number): [number, number] {
  if (text.length <= max) return [0, text.length];
  let best = 0;
  let bestDistinct = -1;
  let bestCount = -1;
  let j = 0;
  for (let i = 0; i < marks.length; i++) {
    if (j < i) j = i;
    while (j + 1 < marks.length && marks[j + 1]!.end - marks[i]!.start <= max - 40) j++;
    const distinct = new Set(marks.slice(i, j + 1).map((m) => m.term)).size;
    const count = j - i + 1;
    if (distinct > bestDistinct || (distinct === bestDistinct && count > bestCount)) {
      best = i;
      bestDistinct = distinct;
      bestCount = count;
    }
  }
  const first = marks[best];
  if (!first) return [0, wordEndAtOrBefore(text, max, 0)];
  // Lead in with a little context, but not past the start of the sentence when it is close.
  let from = Math.max(0, first.start - 40);
  const sentence = text.lastIndexOf('. ', first.start);
  if (sentence >= 0 && sentence + 2 >= from && sentence + 2 <= first.start) from = sentence + 2;
  from = wordStartAtOrAfter(text, from, first.start);
  let to = Math.min(text.length, from + max);
  if (to === text.length) {
    from = wordStartAtOrAfter(text, Math.max(0, to - max), first.start);
  } else {
    to = wordEndAtOrBefore(text, to, from);
  }
  return [from, to];
}

/**
 * A snippet for a paper given the index terms that matched it. Prefers the abstract; falls back
 * to the title when only the title matched, and to the opening of the abstract when neither did.
 */
export function makeSnippet(title: string, abstract: string, terms: ReadonlySet<string>, max = SNIPPET_MAX): RichText {
  const absMarks = markedTokens(abstract, terms);
  if (absMarks.length > 0) {
    const [from, to] = bestWindow(abstract, absMarks, max);
    return render(abstract, from, to, absMarks);
  }
  const titleMarks = markedTokens(title, terms);
  if (titleMarks.length > 0) {
    const [from, to] = bestWindow(title, titleMarks, max);
    return render(title, from, to, titleMarks);
  }
  const to = abstract.length <= max ? abstract.length : wordEndAtOrBefore(abstract, max, 0);
  return render(abstract, 0, to, []);
}
