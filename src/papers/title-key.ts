/**
 * A normalised comparison key for paper titles, so the same paper's title from different sources
 * (a Daily Papers page, the Hugging Face API, arXiv) compares equal.
 */

/** LaTeX macros that print a character worth keeping (Greek letters, a few symbols). */
const MACRO_TEXT: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  vartheta: 'θ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'φ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'γ',
  Delta: 'δ',
  Theta: 'θ',
  Lambda: 'λ',
  Xi: 'ξ',
  Pi: 'π',
  Sigma: 'σ',
  Phi: 'φ',
  Psi: 'ψ',
  Omega: 'ω',
  infty: '∞',
  times: 'x',
  ell: 'l',
  ss: 'ss',
  ae: 'ae',
  AE: 'ae',
  oe: 'oe',
  OE: 'oe',
  o: 'o',
  O: 'o',
  aa: 'a',
  AA: 'a',
  l: 'l',
  L: 'l',
  i: 'i',
  j: 'j',
  LaTeX: 'latex',
  TeX: 'tex',
  textasciitilde: ' ',
  textendash: ' ',
  textemdash: ' ',
  textquoteright: ' ',
  textquoteleft: ' ',
};

/** Latin letters that carry a diacritic but do not decompose under NFKD. */
const LETTER_FOLDS: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  æ: 'ae',
  œ: 'oe',
  ı: 'i',
  ħ: 'h',
  ŀ: 'l',
  ŧ: 't',
};
const LETTER_FOLD_PATTERN = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

/** Characters LaTeX uses as markup around text; dropped without leaving a space (`E$^{2}$GAN`). */
const MARKUP = new Set(['$', '^', '_', '{', '}']);

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function isAsciiLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/** Replace the few HTML entities titles pick up from web pages (`&amp;`, `&#39;`). */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, body: string) => {
    const lower = body.toLowerCase();
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return HTML_ENTITIES[lower] ?? whole;
  });
}

/**
 * Remove LaTeX markup in one linear pass: `\command` names are dropped (their `{argument}` stays as
 * text), Greek-letter and symbol macros become their character, escaped characters (`\&`, `\%`)
 * become themselves, accent macros (`\'e`, `\"{o}`) leave the bare letter, and math/group markup
 * (`$ ^ _ { }`) disappears without a trace so `E$^{2}$GAN` reads `E2GAN`.
 */
function stripLatex(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '\\') {
      let j = i + 1;
      while (j < n && isAsciiLetter(text[j] as string)) j++;
      if (j > i + 1) {
        const name = text.slice(i + 1, j);
        const printed = MACRO_TEXT[name];
        out += printed ?? '';
        // A macro that prints a character ends a word unless a brace or markup follows.
        if (printed !== undefined && j < n && text[j] === ' ') j++;
        i = j;
        continue;
      }
      // `\&`, `\%`, `\'`, `\"`, `\\`, `\,`: the escaped character itself, or a space for spacing.
      const next = text[i + 1];
      if (next === undefined) break;
      out += '\'"`^~=.'.includes(next) ? '' : next === '\\' || next === ',' || next === ';' || next === ' ' ? ' ' : next;
      i += 2;
      continue;
    }
    if (!MARKUP.has(ch)) out += ch;
    i++;
  }
  return out;
}

function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** Combining diacritical marks (the blocks accents decompose into under NFD). */
const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Everything that is not a letter, mark or digit separates words. */
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/gu;

/**
 * A normalised key for a paper title, equal for the same title as spelled by different sources:
 * HTML entities decoded, LaTeX removed (`$^{2}$`, `\textbf{...}`, braces, `\commands`), Unicode
 * NFKC (so `E²GAN`, `E$^{2}$GAN` and `E2GAN` agree, and ligatures and full-width forms fold),
 * lowercased, accents stripped (`Schrödinger` = `Schrodinger`, `ß` = `ss`, `ø` = `o`), `&` read as `and`, `×` as `x`,
 * and every run of dashes, quotes, punctuation and whitespace turned into one space, trimmed (so
 * a trailing period does not matter). All words and digits are kept, in order, so different
 * titles do not collide. Idempotent: `titleKey(titleKey(t)) === titleKey(t)`.
 */
export function titleKey(title: string): string {
  let text = stripLatex(decodeEntities(title)).normalize('NFKC');
  // Upper- then lowercasing folds case the way Unicode's full case folding does for the letters
  // that matter here (`ᾀ` and `ᾈ` agree, `ß` and `SS` meet below).
  text = foldCase(text).normalize('NFKD').replace(COMBINING_MARKS, '').normalize('NFKC');
  // Stripping marks and recomposing can expose letters whose case folds again: settle it.
  text = foldCase(text);
  text = text.replace(LETTER_FOLD_PATTERN, (ch) => LETTER_FOLDS[ch] ?? ch);
  text = text.replaceAll('&', ' and ').replaceAll('×', 'x');
  return text.replace(SEPARATORS, ' ').trim();
}
