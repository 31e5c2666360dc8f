/**
 * LaTeX accents and special letters as Unicode: `Bal\'azs` -> `Balázs`, `M\"{u}ller` -> `Müller`,
 * `Erd\H{o}s` -> `Erdős`, `{\AA}str\"om` -> `Åström`, `Gro{\ss}e` -> `Große`, `\v{C}ech` -> `Čech`.
 * arXiv's metadata keeps author names (and some titles and abstracts) in this form. Pure, linear;
 * text without a backslash comes back unchanged. Anything that is not an accent is left for
 * `cleanLatex`.
 */

/** Accent commands and the combining mark each puts on the next letter. */
const MARKS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  c: '\u0327',
  k: '\u0328',
  r: '\u030A',
  d: '\u0323',
  b: '\u0331',
};

/** Letter macros: `\ss` -> `ß`, `\o` -> `ø`, `\i` (dotless i, as under an accent) -> `ı`. */
const LETTERS: Record<string, string> = {
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  l: 'ł',
  L: 'Ł',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  i: 'ı',
  j: 'ȷ',
};

// One accent: a symbol command (`\'`, `\"`, ...) or a letter command (`\v`, `\H`, ...) followed by
// its argument: `{x}`, `{\i}`, or one letter (after optional spaces for the letter commands).
const ACCENT = /\\(?:(['`^"~=.])\s*|([uvHckrdb])(?:\s+|(?=\{)))(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))/g;
// A letter macro, alone or braced: `\ss`, `{\ss}`, `\o{}`, `{\AA}`.
const LETTER = /\{\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij])\}|\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij])(?:\{\}|(?![A-Za-z]))\s?/g;
// Braces left around one converted letter: `{á}` -> `á`.
const BRACED = /\{(\p{L}\p{M}*)\}/gu;

function letterOf(arg: string): string {
  return arg.startsWith('\\') ? (arg === '\\i' ? 'i' : 'j') : arg;
}

/** `text` with its LaTeX accents and letter macros turned into Unicode (NFC). */
export function latexAccents(text: string): string {
  if (!text.includes('\\')) return text;
  const accented = text.replace(
    ACCENT,
    (whole, symbol: string | undefined, command: string | undefined, braced: string | undefined, bare: string | undefined) => {
      const mark = MARKS[symbol ?? command ?? ''];
      const arg = braced ?? bare;
      if (mark === undefined || arg === undefined) return whole;
      return (letterOf(arg) + mark).normalize('NFC');
    },
  );
  const lettered = accented.replace(LETTER, (whole, braced: string | undefined, bare: string | undefined) => LETTERS[braced ?? bare ?? ''] ?? whole);
  return lettered === text ? text : lettered.replace(BRACED, '$1').normalize('NFC');
}
