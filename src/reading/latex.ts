/**
 * Text as the value of a BibTeX field: LaTeX's special characters escaped, braces kept balanced
 * (BibTeX counts every brace, escaped or not, so an unpaired one would end the field), capitals
 * protected from the bibliography style's case changes. Pure.
 */

/** Replacements for the characters LaTeX treats specially (braces are handled by pairing). */
const SPECIAL: Record<string, string> = {
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '\\': '\\textbackslash{}',
};

/** Indexes of the braces in `text` that have a partner (a `{` closed by a later `}`). */
function pairedBraces(text: string): Set<number> {
  const paired = new Set<number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') open.push(i);
    else if (text[i] === '}' && open.length > 0) {
      paired.add(open.pop()!);
      paired.add(i);
    }
  }
  return paired;
}

/** Escape `s[from, to)`, knowing which braces of the whole of `s` have partners. */
function escapeRange(s: string, from: number, to: number, paired: ReadonlySet<number>): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const c = s[i]!;
    if (c === '{') out += paired.has(i) ? '\\{' : '\\textbraceleft{}';
    else if (c === '}') out += paired.has(i) ? '\\}' : '\\textbraceright{}';
    else out += SPECIAL[c] ?? c;
  }
  return out;
}

/**
 * Escape `& % $ # _ { } ~ ^ \` for LaTeX. Paired braces become `\{ \}`; an unpaired one becomes
 * `\textbraceleft{}` / `\textbraceright{}`, so the field's braces always balance. Whitespace runs
 * (newlines included) become one space.
 */
export function escapeLatex(text: string): string {
  const s = text.replace(/\s+/g, ' ');
  return escapeRange(s, 0, s.length, pairedBraces(s));
}

/** A word: letters and digits, with inner hyphens, apostrophes or dots (`Key-Value`, `GPT-4o`, `v2.0`). */
const WORD = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu;

/**
 * A title for BibTeX: escaped, and every word with a capital letter wrapped in braces
 * (`{SnapKV}: {LLM} {Knows} …`) so styles that lower-case titles keep it as written.
 */
export function protectTitle(title: string): string {
  const s = title.replace(/\s+/g, ' ').trim();
  const paired = pairedBraces(s);
  let out = '';
  let last = 0;
  for (const m of s.matchAll(WORD)) {
    out += escapeRange(s, last, m.index, paired);
    out += /\p{Lu}/u.test(m[0]) ? `{${m[0]}}` : m[0];
    last = m.index + m[0].length;
  }
  return out + escapeRange(s, last, s.length, paired);
}

/** Whether every brace in `text` is closed in order (what BibTeX needs of a field value). */
export function bracesBalance(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '{') depth += 1;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}
