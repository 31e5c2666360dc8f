import { RAW_URL, splitUrl } from './url.ts';
import { latexAccents } from './latex-accents.ts';

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '+': '⁺',
  '-': '⁻',
  '=': '⁼',
  '(': '⁽',
  ')': '⁾',
  a: 'ᵃ',
  b: 'ᵇ',
  c: 'ᶜ',
  d: 'ᵈ',
  e: 'ᵉ',
  f: 'ᶠ',
  g: 'ᵍ',
  h: 'ʰ',
  i: 'ⁱ',
  j: 'ʲ',
  k: 'ᵏ',
  l: 'ˡ',
  m: 'ᵐ',
  n: 'ⁿ',
  o: 'ᵒ',
  p: 'ᵖ',
  r: 'ʳ',
  s: 'ˢ',
  t: 'ᵗ',
  u: 'ᵘ',
  v: 'ᵛ',
  w: 'ʷ',
  x: 'ˣ',
  y: 'ʸ',
  z: 'ᶻ',
  T: 'ᵀ',
  N: 'ᴺ',
  M: 'ᴹ',
  '*': '*',
};
const SUBSCRIPT: Record<string, string> = {
  '0': '₀',
  '1': '₁',
  '2': '₂',
  '3': '₃',
  '4': '₄',
  '5': '₅',
  '6': '₆',
  '7': '₇',
  '8': '₈',
  '9': '₉',
  '+': '₊',
  '-': '₋',
  '=': '₌',
  '(': '₍',
  ')': '₎',
  a: 'ₐ',
  e: 'ₑ',
  h: 'ₕ',
  i: 'ᵢ',
  j: 'ⱼ',
  k: 'ₖ',
  l: 'ₗ',
  m: 'ₘ',
  n: 'ₙ',
  o: 'ₒ',
  p: 'ₚ',
  r: 'ᵣ',
  s: 'ₛ',
  t: 'ₜ',
  u: 'ᵤ',
  v: 'ᵥ',
  x: 'ₓ',
};

/** Symbol macros rendered as the character they print. */
const SYMBOLS: Record<string, string> = {
  times: '×',
  cdot: '·',
  approx: '≈',
  sim: '∼',
  leq: '≤',
  le: '≤',
  geq: '≥',
  ge: '≥',
  neq: '≠',
  pm: '±',
  infty: '∞',
  to: '→',
  rightarrow: '→',
  leftarrow: '←',
  ldots: '…',
  dots: '…',
  cdots: '…',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  theta: 'θ',
  lambda: 'λ',
  mu: 'μ',
  pi: 'π',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  omega: 'ω',
  Delta: 'Δ',
  Omega: 'Ω',
  log: 'log',
  ell: 'ℓ',
  textasciitilde: '~',
  degree: '°',
  circ: '°',
  prime: '′',
};
/** Macros whose name suggests "the name of this project" (`\prjname`, `\method`, `\ours`). */
const PROJECT_MACRO = /^(?:prj|proj|project|method|model|ours|our|sys|system|approach|algo|framework|name)(?:name)?$/i;

function script(content: string, table: Record<string, string>, marker: string): string {
  let out = '';
  for (const ch of content) {
    const mapped = table[ch];
    if (mapped === undefined) return `${marker}(${content})`;
    out += mapped;
  }
  return out;
}

export interface LatexOptions {
  /** Substituted for project-name macros such as `\prjname` (the paper's short name). */
  projectName?: string;
}

const LOOSE_PUNCTUATION = / [,.;:)]|\( /;

/** Any whitespace run that is not a single plain space. */
const MESSY_SPACE = /\s{2,}|[^\S ]/g;

/** Collapse whitespace runs to one space and trim; a no-op copy for already-clean text. */
export function collapseSpace(text: string): string {
  const messy = text.includes('  ') || text.includes('\t') || text.includes('\n') || text.includes('\r') || text.includes('\u00a0');
  return (messy ? text.replace(MESSY_SPACE, ' ') : text).trim();
}

/**
 * Turn LaTeX-flavoured page text into display-clean plain text: `\%` -> `%`, `$^{2}$` -> `²`,
 * `10^{13}` -> `10¹³`, accents (`\'a`, `\"{u}`, `{\ss}`) -> `á`, `ü`, `ß`, `~` -> space, `\times` (or a bare `2times`) -> `×`, `\macro{x}` -> `x`,
 * undefined project-name macros (`\prjname`) -> the paper's name, stray `$`, braces and backslashes
 * dropped, `30--50` -> `30–50`, and whitespace collapsed. A brace group glued to a superscript
 * (`N^2d^2{M}`, a `\frac` that lost its macro) renders as a denominator: `N²d²/M`.
 * URLs are kept verbatim except that trailing braces/punctuation are split off them.
 * Linear time; text without markup only has its whitespace collapsed.
 */
export function cleanLatex(raw: string, options: LatexOptions = {}): string {
  // Accents first (`Bal\'azs` -> `Balázs`): the rest would drop their backslashes and keep the marks.
  const text = latexAccents(raw);
  if (!needsWork(text)) return text.trim();
  if (!text.includes('://')) return tidy(cleanProse(text, options));
  let out = '';
  let last = 0;
  {
    for (const m of text.matchAll(RAW_URL)) {
      const start = m.index;
      const { url, rest } = splitUrl(m[0]);
      out += cleanProse(text.slice(last, start), options) + url + cleanProse(rest, options);
      last = start + m[0].length;
    }
  }
  out += cleanProse(text.slice(last), options);
  return tidy(out);
}

/** Collapse whitespace and pull stray spaces out of brackets and before punctuation. */
function tidy(text: string): string {
  const out = collapseSpace(text);
  if (!LOOSE_PUNCTUATION.test(out)) return out;
  return out.replace(/\(\s+|\s+\)|\s+([,.;:])(?=\s|$)/g, (all, p?: string) => p ?? all.trim());
}

/**
 * A superset of everything `cleanLatex` changes besides trimming, tested with as few scans as
 * possible (most abstracts need nothing): one regex whose alternatives all start with characters
 * that are rare in prose, plus three literal checks.
 */
const RARE_MARKUP = /[\\$~{}^\t\u00a0\n\r]|\.[A-Z][a-z]|\d(?:times|\s*-{2}|\s*sim)|-{2}|[,.;:)](?<=\s.)|\(\s/;
const SIM_NUMBER = /sim\s*\d/;

function needsWork(text: string): boolean {
  return RARE_MARKUP.test(text) || text.includes('  ') || (text.includes('sim') && SIM_NUMBER.test(text)) || text.includes('geq') || text.includes('leq');
}

/** Residue that survives a lost backslash or a pasted page: one combined pass. */
const GLUED = /\.[A-Z][a-z]/;
const RESIDUE =
  /(?<gA>[a-z]{2})\.(?<gB>[A-Z][a-z])|(?<r1>\d)\s*sim\s*(?=\d)|(?<t>\d)times(?![a-z])|(?<sp>^|\s)(?:sim\s*(?=\d)|(?<cmp>[gl]eq)(?=\s))|(?<d1>\d)\s*-{2,3}\s*(?<d2>\d)|\s---?\s/g;

interface ResidueGroups {
  gA?: string;
  gB?: string;
  r1?: string;
  t?: string;
  sp?: string;
  cmp?: string;
  d1?: string;
  d2?: string;
}

/**
 * Fix what a lost backslash or a pasted page leaves behind: `consistency.Existing` -> `consistency. Existing`,
 * `3.72sim4.11` -> `3.72–4.11`, `2times` -> `2×`, `sim 28.6` -> `≈28.6`, `M geq d` -> `M ≥ d`, `30--50` -> `30–50`,
 * ` -- ` -> ` – `.
 */
function fixResidue(text: string): string {
  // Cheap literal checks first: most abstracts have none of these.
  const needed =
    GLUED.test(text) ||
    (text.includes('times') && /\dtimes/.test(text)) ||
    text.includes('--') ||
    (text.includes('sim') && /sim\s*\d/.test(text)) ||
    text.includes('geq') ||
    text.includes('leq');
  if (!needed) {
    return text;
  }
  return text.replace(RESIDUE, (...args: unknown[]) => {
    const all = String(args[0]);
    const g = args[args.length - 1] as ResidueGroups;
    if (g.gA !== undefined) return `${g.gA}. ${g.gB ?? ''}`;
    if (g.r1 !== undefined) return `${g.r1}–`;
    if (g.t !== undefined) return `${g.t}×`;
    if (g.sp !== undefined) return `${g.sp}${g.cmp === undefined ? '≈' : g.cmp === 'geq' ? '≥' : '≤'}`;
    if (g.d1 !== undefined) return `${g.d1}–${g.d2 ?? ''}`;
    return all.trim() === '---' ? ' — ' : ' – ';
  });
}

const SPECIAL = /[\\$~{}^]/;
const BACKSLASH = /\\(?:([%&#_$])|([A-Za-z]+)\*?(\s*\{)?|(\\|[,;:! ])|)/g;

function cleanProse(text: string, options: LatexOptions): string {
  if (text.length === 0) return text;
  if (!SPECIAL.test(text)) return fixResidue(text);
  let s = text;
  if (s.includes('\\')) {
    // One pass over every backslash: escaped specials print literally (`\%` -> `%`), symbol macros
    // print their symbol, formatting wrappers keep their argument (`\emph{x}` -> `{x}`), project-name
    // placeholders become the name, spacing commands and line breaks become a space, any other
    // macro keeps its bare name, and a lone backslash is dropped.
    s = s.replace(BACKSLASH, (_all, special?: string, name?: string, brace?: string, spacing?: string) => {
      if (special !== undefined) return special === '$' ? '\u0000' : special;
      if (name !== undefined) {
        const sym = SYMBOLS[name];
        if (sym !== undefined) return brace ? `${sym}{` : sym;
        if (brace) return '{';
        if (PROJECT_MACRO.test(name)) return options.projectName ?? 'this method';
        return name;
      }
      return spacing !== undefined ? ' ' : '';
    });
  }
  if (s.includes('^')) {
    // Superscripts (also outside math: `10^{13}`, `m^2`), optionally followed by a lost \frac denominator.
    s = s.replace(
      /\^(?:\{([^{}]*)\}|([A-Za-z0-9*]))(\{([^{}]*)\})?/g,
      (_a, braced: string | undefined, single: string | undefined, _d, denom: string | undefined) => {
        const sup = script((braced ?? single ?? '').trim(), SUPERSCRIPT, '^');
        return denom === undefined ? sup : `${sup}/${denom}`;
      },
    );
  }
  if (s.includes('$')) {
    // Subscripts only inside math spans; `Q4_0` in prose stays as written.
    s = s.replace(/\$([^$]*)\$/g, (_a, math: string) =>
      math.replace(/_(?:\{([^{}]*)\}|([A-Za-z0-9]))/g, (_b, braced: string | undefined, single: string | undefined) =>
        script((braced ?? single ?? '').trim(), SUBSCRIPT, '_'),
      ),
    );
    s = s.replace(/\$/g, '');
  }
  if (s.includes('\u0000')) s = s.replace(/\u0000/g, '$');
  if (s.includes('{') || s.includes('}')) s = s.replace(/[{}]/g, '');
  if (s.includes('~')) s = s.replace(/~/g, ' ');
  return fixResidue(s);
}
