/**
 * Extractive one-line summaries: pick the abstract sentence that best carries a paper's main claim
 * (used for a TL;DR line when Hugging Face has no `ai_summary`).
 *
 * Everything here is linear in the abstract's length: sentences are found by one hand-written scan,
 * and scoring only looks at a bounded prefix of each sentence with plain token checks (no regular
 * expression that can backtrack over an unbounded span).
 */

/** Options for `extractiveSummary`. */
export interface SummaryOptions {
  /** Longest summary returned, ellipsis included (default 300). */
  maxChars?: number;
}

const DEFAULT_MAX_CHARS = 300;
/** Characters of a sentence looked at when scoring (longer sentences are penalised anyway). */
const SCORE_WINDOW = 1500;
/** How far back from a period we look for the word it ends. */
const LOOKBACK = 24;
/** Most introduced names remembered per sentence. */
const MAX_NAMES = 4;

// ---------------------------------------------------------------------------------------------
// Sentence splitting

/** Half-open character range of one sentence in the source text. */
interface Span {
  start: number;
  end: number;
}

const TERMINATORS = new Set(['.', '!', '?', '…']);
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '}', '»']);
const OPENERS = new Set(['"', "'", '“', '‘', '(', '[', '«']);

/** Words that end with a period without ending the sentence (lowercased, inner dots removed). */
const ABBREVIATIONS = new Set([
  'eg',
  'ie',
  'al',
  'vs',
  'cf',
  'viz',
  'resp',
  'approx',
  'fig',
  'figs',
  'eq',
  'eqs',
  'sec',
  'sect',
  'tab',
  'no',
  'nos',
  'ref',
  'refs',
  'vol',
  'pp',
  'ch',
  'thm',
  'lem',
  'def',
  'alg',
  'app',
  'incl',
  'aka',
  'wrt',
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'jr',
  'sr',
  'st',
  'inc',
  'ltd',
  'corp',
  'co',
]);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || ch === '\u00a0' || ch === '\f' || ch === '\v';
}

// ASCII answers from the character code (most of any abstract); the rest by case mapping.
function isUpper(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

const ANY_DIGIT = /[0-9]/;

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Does the word ending just before `dot` (a `.`) read as an abbreviation or an initial? */
function endsAbbreviation(text: string, dot: number): boolean {
  let s = dot;
  while (s > 0 && dot - s < LOOKBACK) {
    const ch = text[s - 1] as string;
    if (isSpace(ch) || OPENERS.has(ch)) break;
    s--;
  }
  if (s > 0 && dot - s >= LOOKBACK && !isSpace(text[s - 1])) return false; // a long token (URL, formula): no
  const word = text.slice(s, dot);
  if (word.length === 0) return false;
  // A single capital is an initial (`J. Smith`, `Model B. Smith`).
  if (word.length === 1 && isUpper(word)) return true;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower.replaceAll('.', ''))) return true;
  // Dotted short letter groups: `e.g`, `i.e`, `U.S`, `a.k.a`, `Ph.D`.
  if (lower.includes('.')) {
    const parts = lower.split('.');
    return parts.every((p) => p.length >= 1 && p.length <= 2 && [...p].every(isLetter));
  }
  return false;
}

/** Can the text at `k` start a new sentence? */
function startsSentence(text: string, k: number): boolean {
  const ch = text[k];
  if (ch === undefined) return true;
  if (isUpper(ch) || isDigit(ch) || OPENERS.has(ch)) return true;
  // Lowercase-led names such as `vLLM`, `mPLUG`, `iPhone` start sentences too.
  if (isLetter(ch)) {
    for (let j = k + 1; j < text.length && j < k + 16; j++) {
      const c = text[j] as string;
      if (isSpace(c)) break;
      if (isUpper(c)) return true;
    }
  }
  return false;
}

/**
 * Split text into sentence spans. A sentence ends at `.`, `!`, `?` or `…` (plus closing quotes or
 * brackets) followed by whitespace and something that can start a sentence, unless the period ends
 * an abbreviation (`e.g.`, `et al.`, `vs.`, `Fig.`) or an initial. Periods not followed by
 * whitespace (decimals, versions, URLs, `e.g.,`) never end a sentence. A blank line always does.
 */
function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  const n = text.length;
  let start = 0;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && isSpace(text[s])) s++;
    while (e > s && isSpace(text[e - 1])) e--;
    if (e > s) spans.push({ start: s, end: e });
  };
  let i = 0;
  while (i < n) {
    // Most characters are neither a line break nor a terminator: passed by their code, no string made.
    const code = text.charCodeAt(i);
    if (code !== 10 && code !== 46 && code !== 33 && code !== 63 && code !== 0x2026) {
      i++;
      continue;
    }
    const ch = text[i] as string;
    if (ch === '\n') {
      let k = i + 1;
      let breaks = 1;
      while (k < n && isSpace(text[k])) {
        if (text[k] === '\n') breaks++;
        k++;
      }
      if (breaks >= 2) {
        push(i);
        start = k;
      }
      i = k;
      continue;
    }
    if (!TERMINATORS.has(ch)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && TERMINATORS.has(text[j] as string)) j++;
    const singleDot = ch === '.' && j === i + 1;
    while (j < n && CLOSERS.has(text[j] as string)) j++;
    if (j < n && !isSpace(text[j])) {
      i = j;
      continue;
    }
    let k = j;
    while (k < n && isSpace(text[k])) k++;
    if (k < n && ((singleDot && endsAbbreviation(text, i)) || !startsSentence(text, k))) {
      i = k;
      continue;
    }
    push(j);
    start = k;
    i = k;
  }
  push(n);
  return spans;
}

/** The sentences of `text`, trimmed, in order (exported for tests). */
export function splitSentences(text: string): string[] {
  return sentenceSpans(text).map((s) => text.slice(s.start, s.end));
}

// ---------------------------------------------------------------------------------------------
// Scoring

/** Verbs (as stems) by which a paper states what it contributes. */
const CONTRIBUTION_STEMS = [
  'propos',
  'introduc',
  'present',
  'develop',
  'design',
  'build',
  'built',
  'construct',
  'creat',
  'releas',
  'curat',
  'contribut',
  'devis',
  'formulat',
  'offer',
  'unveil',
  'pioneer',
  'establish',
  'extend',
  'redesign',
  'rethink',
  'revisit',
];
/** Verbs (as stems) by which a paper states the task it takes on (`we address the problem of ...`). */
const TASK_STEMS = ['address', 'tackl', 'solv', 'aim', 'seek', 'target', 'overcom', 'mitigat', 'bridg'];
/** Verbs (as stems) by which a paper states a finding. */
const FINDING_STEMS = [
  'show',
  'demonstrat',
  'find',
  'found',
  'reveal',
  'prov',
  'discover',
  'identif',
  'argu',
  'observ',
  'investigat',
  'stud',
  'explor',
  'examin',
  'analy',
  'uncover',
  'report',
  'confirm',
  'validat',
  'verif',
  'highlight',
  'suggest',
  'provid',
  'focus',
  'review',
  'survey',
  'characteriz',
  'quantif',
  'assess',
];
/** Verbs (as stems) that state a measured outcome. */
const STRONG_RESULT_STEMS = ['achiev', 'outperform', 'surpass', 'exceed', 'beat', 'rival', 'attain', 'excel', 'sets'];
/** Verbs (as stems) that may state an outcome, or just a purpose (`to reduce memory`). */
const WEAK_RESULT_STEMS = [
  'improv',
  'reduc',
  'enabl',
  'accelerat',
  'speed',
  'boost',
  'deliver',
  'match',
  'yield',
  'lower',
  'sav',
  'gain',
  'cut',
  'decreas',
  'increas',
  'elevat',
  'enhanc',
  'minimiz',
  'maximiz',
  'shrink',
];
/** Nouns that, after `our` / `the proposed`, name the paper's own artefact. */
const OWN_NOUNS = new Set([
  'method',
  'methods',
  'approach',
  'approaches',
  'model',
  'models',
  'framework',
  'system',
  'technique',
  'algorithm',
  'pipeline',
  'architecture',
  'solution',
  'design',
  'benchmark',
  'dataset',
  'results',
  'experiments',
  'analysis',
  'findings',
  'work',
  'agent',
  'strategy',
  'scheme',
  'paradigm',
  'tool',
  'library',
  'suite',
  'recipe',
  'training',
  'evaluation',
  'study',
  'evaluations',
]);
/** Subjects under which `show`/`demonstrate` reports a result (`experiments show`). */
const EVIDENCE_NOUNS = new Set([
  'experiments',
  'experiment',
  'results',
  'evaluations',
  'evaluation',
  'analysis',
  'analyses',
  'studies',
  'study',
  'ablations',
  'benchmarks',
  'tests',
  'findings',
  'evidence',
]);
const EVIDENCE_VERBS = ['show', 'demonstrat', 'reveal', 'confirm', 'indicat', 'verif', 'validat', 'highlight', 'suggest', 'prov'];
const SELF_WORDS = new Set(['we', 'our', 'us', 'ours', 'ourselves']);
const PAPER_NOUNS = new Set([
  'paper',
  'work',
  'study',
  'article',
  'report',
  'letter',
  'thesis',
  'manuscript',
  'survey',
  'review',
  'dissertation',
  'tutorial',
  'chapter',
  'research',
  'project',
]);
/** First words of background / motivation sentences. */
const BACKGROUND_OPENERS = new Set([
  'however',
  'recently',
  'despite',
  'although',
  'though',
  'while',
  'whereas',
  'existing',
  'current',
  'currently',
  'traditional',
  'traditionally',
  'conventional',
  'conventionally',
  'previous',
  'previously',
  'prior',
  'most',
  'many',
  'nowadays',
  'unfortunately',
  'yet',
  'typically',
  'today',
  'historically',
  'generally',
  'since',
  'as',
  'with',
  'due',
]);
/** Articles: a sentence opening with one and saying nothing about the paper is usually background. */
const ARTICLES = new Set(['the', 'a', 'an']);
/** Two-word background openers (`In recent years`, `Over the past`). */
const BACKGROUND_OPENER_PAIRS = new Set(['in recent', 'over the', 'in the', 'to date', 'a key', 'a major', 'a central', 'one of']);
/** Words that signal a problem statement rather than a contribution. */
const PROBLEM_WORDS = new Set([
  'challenging',
  'challenge',
  'challenges',
  'limitation',
  'limitations',
  'limited',
  'limits',
  'suffer',
  'suffers',
  'struggle',
  'struggles',
  'bottleneck',
  'bottlenecks',
  'costly',
  'expensive',
  'remain',
  'remains',
  'lack',
  'lacks',
  'lacking',
  'hinder',
  'hinders',
  'fail',
  'fails',
  'difficult',
  'difficulty',
  'prohibitive',
  'issue',
  'issues',
  'problem',
  'problems',
  'drawback',
  'drawbacks',
  'unclear',
  'underexplored',
  'unexplored',
  'overlooked',
  'overlook',
  'overlooks',
  'insufficient',
]);
/** Participles that, after `has`/`have` in a sentence without `we`, describe the state of a field. */
const FIELD_PARTICIPLES = new Set([
  'shown',
  'made',
  'become',
  'emerged',
  'achieved',
  'demonstrated',
  'gained',
  'attracted',
  'seen',
  'been',
  'received',
  'garnered',
  'revolutionized',
  'revolutionised',
  'transformed',
  'enabled',
  'led',
  'witnessed',
  'exhibited',
  'proven',
  'drawn',
  'grown',
  'advanced',
  'showcased',
  'enjoyed',
]);
/** First words of sentences that add a secondary point to earlier ones. */
const SECONDARY_OPENERS = new Set([
  'moreover',
  'furthermore',
  'additionally',
  'also',
  'further',
  'finally',
  'then',
  'second',
  'third',
  'secondly',
  'thirdly',
  'lastly',
  'meanwhile',
  'besides',
  'next',
  'subsequently',
  'beyond',
  'apart',
]);
/** First words of sentences that detail an earlier one. */
const DETAIL_OPENERS = new Set(['specifically', 'concretely', 'particularly', 'first', 'firstly', 'for']);
/** First words of sentences that lean on an earlier one. */
const DEPENDENT_OPENERS = new Set(['thus', 'therefore', 'hence', 'this', 'these', 'it', 'they', 'such', 'its', 'their']);
/** Words that mark a contribution as a secondary one (`we further propose`, `we also introduce`). */
const SECONDARY_WORDS = new Set(['further', 'also', 'additionally', 'moreover', 'furthermore', 'finally']);
/** Objects that leave a contribution vague (`we propose a series of techniques`, `two principal techniques`). */
const VAGUE_OBJECTS = new Set([
  'series',
  'set',
  'number',
  'several',
  'two',
  'three',
  'four',
  'five',
  'some',
  'various',
  'multiple',
  'few',
  'many',
  'couple',
  'range',
  'variety',
]);
const NOVELTY_WORDS = new Set(['novel', 'new', 'first', 'simple', 'unified', 'efficient', 'general']);
const EMPHASIS_WORDS = new Set([
  'significantly',
  'substantially',
  'consistently',
  'dramatically',
  'remarkably',
  'considerably',
  'markedly',
  'sota',
  'superior',
  'competitive',
  'comparable',
  'faster',
  'better',
  'higher',
  'lower',
  'fewer',
  'less',
  'smaller',
  'while',
  'without',
]);
const MULTIPLIER_WORDS = new Set(['x', '×', 'times', 'fold', '%', 'percent', 'pp']);
const AVAILABILITY_WORDS = new Set([
  'github',
  'available',
  'released',
  'release',
  'code',
  'repository',
  'huggingface',
  'homepage',
  'page',
  'website',
  'url',
  'https',
  'http',
]);

/** Inflections accepted after a verb stem (`propos|e|es|ed|ing`, `stud|y|ies|ied`, `show|n`). */
const VERB_ENDINGS = new Set([
  '',
  'e',
  'es',
  'ed',
  'd',
  'ing',
  's',
  'n',
  'en',
  'y',
  'ies',
  'ied',
  'ying',
  'ze',
  'zes',
  'zed',
  'zing',
  'se',
  'ses',
  'sed',
  'sing',
]);
/** Inflections also accepted after a result stem: the outcome as a noun (`reduction`, `speedup`). */
const RESULT_ENDINGS = new Set([...VERB_ENDINGS, 'tion', 'tions', 'ion', 'ions', 'ement', 'ements', 'ment', 'ments', 'up', 'ups', 'ings']);

/** `... is proposed`, and `it is shown that ...`. */
const PASSIVE_STEMS: readonly string[] = ['propos', 'introduc', 'present'];
const PASSIVE_FINDING_STEMS: readonly string[] = ['show', 'demonstrat', 'found'];

/** A list's stems by their first character's code (every stem has one), in the list's order. */
interface StemList {
  /** Stems starting with an ascii character, by its code. */
  readonly ascii: ReadonlyArray<readonly string[] | undefined>;
  readonly other: ReadonlyMap<number, readonly string[]>;
}

function stemList(stems: readonly string[]): StemList {
  const ascii: (string[] | undefined)[] = new Array<string[] | undefined>(128).fill(undefined);
  const other = new Map<number, string[]>();
  for (const stem of stems) {
    if (stem.length === 0) throw new Error('a stem must not be empty');
    const code = stem.charCodeAt(0);
    if (code < 128) (ascii[code] ??= []).push(stem);
    else other.set(code, [...(other.get(code) ?? []), stem]);
  }
  return { ascii, other };
}

/** Is `word` one of `stems` plus an accepted ending (so `found` matches but `foundational` does not)? */
function hasStem(word: string, stems: StemList, endings: ReadonlySet<string> = VERB_ENDINGS): boolean {
  // Only the stems that start as the word does (most words start as none does): an import of a
  // million abstracts asks this of every word of every sentence, against each list.
  const code = word.charCodeAt(0);
  const candidates = code < 128 ? stems.ascii[code] : stems.other.get(code);
  if (candidates === undefined) return false;
  for (const stem of candidates) {
    if (word.startsWith(stem) && endings.has(word.slice(stem.length))) return true;
  }
  return false;
}

const CONTRIBUTION = stemList(CONTRIBUTION_STEMS);
const TASK = stemList(TASK_STEMS);
const FINDING = stemList(FINDING_STEMS);
const STRONG_RESULT = stemList(STRONG_RESULT_STEMS);
const WEAK_RESULT = stemList(WEAK_RESULT_STEMS);
const PASSIVE = stemList(PASSIVE_STEMS);
const PASSIVE_FINDING = stemList(PASSIVE_FINDING_STEMS);
const EVIDENCE = stemList(EVIDENCE_VERBS);

const NON_ASCII_CHAR = /[^\x00-\x7f]/;

/** Lowercase letter/digit words of `text` (a bounded prefix of a sentence). */
function wordsOf(text: string): string[] {
  const lower = text.toLowerCase();
  if (!NON_ASCII_CHAR.test(lower)) return asciiWordsOf(lower);
  const words: string[] = [];
  let cur = '';
  for (const ch of lower) {
    if (isLetter(ch) || isDigit(ch)) cur += ch;
    else {
      if (cur) words.push(cur);
      cur = '';
      if (ch === '%' || ch === '×') words.push(ch);
    }
  }
  if (cur) words.push(cur);
  return words;
}

/** `wordsOf` for lowercased ascii text, by char code: runs of [a-z0-9] sliced, `%` a word of its own. */
function asciiWordsOf(lower: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) words.push(lower.slice(start, i));
    start = -1;
    if (c === 37) words.push('%');
  }
  if (start >= 0) words.push(lower.slice(start));
  return words;
}

/** Count quantitative result mentions: `3.6x`, `20%`, `12×`, `2 times`, `10-fold`. */
function countMultipliers(text: string): number {
  // Every multiplier starts with a digit: most sentences have none.
  if (!ANY_DIGIT.test(text)) return 0;
  let count = 0;
  const tokens = text.split(/\s+/);
  for (let t = 0; t < tokens.length; t++) {
    const raw = tokens[t] as string;
    // Strip leading/trailing punctuation by hand (no unbounded regex over long tokens).
    let a = 0;
    let b = raw.length;
    while (a < b && !isDigit(raw[a] as string) && !isLetter(raw[a] as string)) a++;
    while (b > a && ',.;:)]}'.includes(raw[b - 1] as string)) b--;
    const tok = raw.slice(a, b).toLowerCase();
    if (tok.length === 0 || !isDigit(tok[0] as string)) continue;
    let e = 0;
    while (e < tok.length && (isDigit(tok[e] as string) || '.,-–'.includes(tok[e] as string))) e++;
    const suffix = tok.slice(e);
    if (suffix === '%' || suffix === 'x' || suffix === '×' || suffix === '-fold' || suffix === 'pp' || suffix === '%-') {
      count++;
      continue;
    }
    if (suffix === '') {
      const nextRaw = (tokens[t + 1] ?? '').slice(0, 16).toLowerCase();
      let ne = nextRaw.length;
      while (ne > 0 && ',.;:)'.includes(nextRaw[ne - 1] as string)) ne--;
      const next = nextRaw.slice(0, ne);
      if (MULTIPLIER_WORDS.has(next) || next.startsWith('%') || next === 'fold' || next === 'percentage') count++;
    }
  }
  return count;
}

/** Words right after which a contribution sentence names its artefact (`called DualGS`). */
const NAMING_WORDS = new Set(['called', 'named', 'dubbed', 'termed', 'namely', 'coined', 'denoted']);

/**
 * Names a contribution sentence introduces: mixed-case or alphanumeric words (`SnapKV`,
 * `Light4GS`), and capitalised words right after the verb or a naming word (`we present SQUASH`,
 * `called ZipGAN`).
 */
function introducedNames(sentence: string): string[] {
  const names: string[] = [];
  let afterVerb = false;
  for (const raw of sentence.slice(0, SCORE_WINDOW).split(/[\s,;:()"“”]+/)) {
    if (names.length >= MAX_NAMES) break;
    const follows = afterVerb;
    const lower = raw.toLowerCase();
    afterVerb = NAMING_WORDS.has(lower) || hasStem(lower, CONTRIBUTION);
    if (raw.length > 42) continue;
    const word = raw.replace(/[.'’]+$/, '').replace(/['’]s$/, '');
    if (word.length < 3) continue;
    const chars = [...word];
    const head = chars[0] as string;
    const uppers = chars.filter(isUpper).length;
    const hasDigit = chars.some(isDigit);
    const hasLower = chars.some((c) => isLetter(c) && !isUpper(c));
    if ((uppers >= 2 && hasLower) || (uppers >= 1 && hasDigit && isLetter(head)) || (follows && isUpper(head))) {
      names.push(word);
    }
  }
  return names;
}

interface Features {
  contribution: boolean;
  /** The contribution's object is vague (`a series of techniques`). */
  vague: boolean;
  /** States the task taken on (`we address ...`, `this paper tackles ...`). */
  task: boolean;
  /** A passive contribution (`... is proposed`): often a component rather than the paper itself. */
  passive: boolean;
  /** Framed as the paper's own aim: `In this paper, ...`, `This work ...`, `Here, we ...`. */
  framed: boolean;
  finding: boolean;
  evidence: boolean;
  selfRef: boolean;
  ownArtefact: boolean;
}

/** Does a subject at `i` have a verb from `stems` within the next few words? */
function verbAfter(words: string[], i: number, stems: StemList, window = 4): number {
  for (let j = i + 1; j <= i + window && j < words.length; j++) {
    if (hasStem(words[j] as string, stems)) return j;
  }
  return -1;
}

function features(words: string[]): Features {
  const f: Features = {
    contribution: false,
    vague: false,
    passive: false,
    task: false,
    framed: false,
    finding: false,
    evidence: false,
    selfRef: false,
    ownArtefact: false,
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const prev = words[i - 1];
    // The cheap comparisons first: most words follow none of these.
    const isSubject = w === 'we' || ((prev === 'this' || prev === 'our' || prev === 'the') && PAPER_NOUNS.has(w));
    if (isSubject || SELF_WORDS.has(w)) f.selfRef = true;
    if (prev === 'this' && PAPER_NOUNS.has(w)) f.framed = true;
    if (w === 'we' && prev === 'here') f.framed = true;
    if (isSubject) {
      const verb = verbAfter(words, i, CONTRIBUTION);
      if (verb >= 0) {
        f.contribution = true;
        let object = verb + 1;
        while (words[object] === 'a' || words[object] === 'an' || words[object] === 'the') object++;
        if (VAGUE_OBJECTS.has(words[object] ?? '') && words.length < 16) f.vague = true;
      } else if (verbAfter(words, i, TASK) >= 0) f.task = true;
      else if (verbAfter(words, i, FINDING) >= 0) f.finding = true;
    }
    if ((w === 'our' || w === 'proposed') && OWN_NOUNS.has(words[i + 1] ?? '')) {
      f.ownArtefact = true;
      f.selfRef = true;
    }
    // Passive contributions and findings: `... is proposed`, `it is shown that ...`.
    if (w === 'is' || w === 'are') {
      const next = words[i + 1] ?? '';
      if (hasStem(next, PASSIVE)) f.passive = true;
      else if (hasStem(next, PASSIVE_FINDING)) f.finding = true;
    }
    if (EVIDENCE_NOUNS.has(w) && verbAfter(words, i, EVIDENCE) >= 0) f.evidence = true;
  }
  return f;
}

/** A sentence as scoring reads it: its scored prefix, that prefix's words, and their cues. */
interface ReadSentence {
  window: string;
  words: string[];
  features: Features;
}

const NOVELTY = 1;
const EMPHASIS = 2;
const SECONDARY = 4;
const PROBLEM = 8;
const AVAILABILITY = 16;
/** Each word of the lists `scoreSentence` counts in, with the lists it is in (bits). */
const WORD_KINDS = new Map<string, number>();
for (const [list, bit] of [
  [NOVELTY_WORDS, NOVELTY],
  [EMPHASIS_WORDS, EMPHASIS],
  [SECONDARY_WORDS, SECONDARY],
  [PROBLEM_WORDS, PROBLEM],
  [AVAILABILITY_WORDS, AVAILABILITY],
] as const) {
  for (const w of list) WORD_KINDS.set(w, (WORD_KINDS.get(w) ?? 0) | bit);
}

/** Score one sentence as a TL;DR candidate; higher is better. */
function scoreSentence(sentence: string, index: number, names: ReadonlySet<string>, maxChars: number, read: ReadSentence): number {
  const { window, words, features: f } = read;
  const wordCount = sentence.length > SCORE_WINDOW ? words.length + 100 : words.length;
  let mentionsName = false;
  for (const name of names) {
    if (window.includes(name)) {
      mentionsName = true;
      break;
    }
  }
  const self = f.selfRef || mentionsName;
  const doesSomething = f.contribution || f.passive || f.task || f.finding;
  let score = 0;

  // What the paper does.
  if (f.contribution) score += f.vague ? 1.5 : 4;
  else if (f.passive) score += f.framed ? 4 : 3;
  else if (f.task) score += 3;
  else if (f.finding) score += 2.5;
  if (f.framed) score += 0.75;
  if (f.ownArtefact) score += 1;
  if (mentionsName) score += 0.75;
  if (f.selfRef) score += 0.5;
  // The word lists a sentence's words are counted in, in one pass (see WORD_KINDS).
  let novelty = 0;
  let emphasis = 0;
  let secondary = 0;
  let problems = 0;
  let availability = 0;
  for (const w of words) {
    const kinds = WORD_KINDS.get(w);
    if (kinds === undefined) continue;
    if (kinds & NOVELTY) novelty++;
    if (kinds & EMPHASIS) emphasis++;
    if (kinds & SECONDARY) secondary++;
    if (kinds & PROBLEM) problems++;
    if (kinds & AVAILABILITY) availability++;
  }
  if (novelty > 0) score += 0.5;

  // What it achieves.
  let strong = 0;
  let weak = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (words[i - 1] === 'to') continue; // a purpose (`to reduce memory`), not an outcome
    if (hasStem(w, STRONG_RESULT, RESULT_ENDINGS)) strong++;
    else if (hasStem(w, WEAK_RESULT, RESULT_ENDINGS)) weak++;
  }
  const multipliers = countMultipliers(window);
  let upTo = false;
  for (let i = 0; i + 1 < words.length; i++) if (words[i] === 'up' && words[i + 1] === 'to') upTo = true;
  // Lowercasing makes no hyphen: a window without one cannot say `state-of-the-art` in any case.
  const stateOfTheArt = (window.includes('-') && window.toLowerCase().includes('state-of-the-art')) || words.includes('sota');
  let result = 0;
  if (strong > 0) result += 1.5 + Math.min(1, (strong - 1) * 0.5);
  if (weak > 0) result += 0.75 + Math.min(0.5, (weak - 1) * 0.25);
  if (f.evidence) result += 1;
  result += Math.min(2, multipliers * 0.75);
  if (upTo) result += 0.5;
  if (stateOfTheArt) result += 0.5;
  result += Math.min(1, emphasis * 0.25);
  // A result claim only counts fully when it is the paper's own.
  score += self || f.evidence ? Math.min(4, result) : Math.min(1.5, result * 0.5);
  if (doesSomething) {
    if (strong > 0 || multipliers > 0) score += 1.5;
    else if (weak > 0) score += 0.5;
  }

  // Background, motivation, elaboration and housekeeping.
  const first = words[0] ?? '';
  const firstTwo = `${first} ${words[1] ?? ''}`;
  if (BACKGROUND_OPENERS.has(first) || BACKGROUND_OPENER_PAIRS.has(firstTwo)) {
    // `While prior work ..., we propose ...` is still a contribution; soften for those.
    score -= doesSomething ? 0.25 : self ? 0.75 : 2;
  } else if (ARTICLES.has(first) && !self && !doesSomething) score -= 1;
  if (SECONDARY_OPENERS.has(first) || firstTwo === 'in addition') score -= 1.5;
  else if (DETAIL_OPENERS.has(first)) score -= 0.75;
  else if (DEPENDENT_OPENERS.has(first) && !f.contribution && !f.framed) score -= 0.5;
  if (doesSomething && secondary > 0) score -= 1.5;
  // `To address these challenges, we propose ...` answers the problem it names: no penalty then.
  if (!f.contribution && !f.task) score -= Math.min(2.5, problems);
  if (!f.selfRef) {
    for (let i = 0; i < words.length && i < 14; i++) {
      const w = words[i];
      if ((w === 'has' || w === 'have') && FIELD_PARTICIPLES.has(words[i + 1] ?? '')) {
        score -= 1.5;
        break;
      }
    }
  }
  if (!self && !doesSomething && !f.evidence) score -= 1;
  if (index === 0 && !self) score -= 0.5;
  if (sentence.trimEnd().endsWith('?')) score -= 1.5;
  if (window.includes('://') || availability >= 2) score -= 3;

  // Length: too short says little, too long will not read as one line.
  if (wordCount < 8) score -= 3;
  else if (wordCount > 50) score -= Math.min(3, (wordCount - 50) / 10);
  if (sentence.length > maxChars) score -= 1;
  return score;
}

// ---------------------------------------------------------------------------------------------

/** Cut `text` to at most `maxChars` UTF-16 units at a word boundary, ending with `…`. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const budget = maxChars - 1; // room for the ellipsis
  let cut = budget;
  while (cut > 0 && !isSpace(text[cut])) cut--;
  if (cut < budget / 2) {
    // No usable word boundary: hard cut, but never between the halves of a surrogate pair.
    cut = budget;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
  }
  let head = text.slice(0, cut).trimEnd();
  while (head.length > 0 && ',;:([{-–—'.includes(head[head.length - 1] as string)) head = head.slice(0, -1).trimEnd();
  return `${head}…`;
}

/**
 * One sentence of `abstract` that carries the paper's main claim, for a TL;DR line: sentences are
 * scored by general cues of a contribution ("we propose", "this paper introduces", "our method")
 * and of a result ("outperforms", "up to 3x", "20%"), and penalised for background or motivation
 * ("However, ...", "LLMs have shown ...", "remains challenging"), for being very short or long, and
 * for housekeeping (code links). The best sentence wins, ties going to the earlier one.
 *
 * Returns the sentence verbatim (trimmed); a sentence longer than `maxChars` (default 300) is cut
 * at a word boundary and ends with `…` (the result never exceeds `maxChars`). A blank abstract
 * gives `undefined`. Deterministic and linear in the abstract's length.
 */
export function extractiveSummary(abstract: string, opts: SummaryOptions = {}): string | undefined {
  const requested = opts.maxChars;
  const maxChars = requested !== undefined && Number.isFinite(requested) ? Math.max(2, Math.floor(requested)) : DEFAULT_MAX_CHARS;
  const spans = sentenceSpans(abstract);
  if (spans.length === 0) return undefined;
  const sentences = spans.map((s) => abstract.slice(s.start, s.end));
  if (sentences.length === 1) return truncate(sentences[0] as string, maxChars);

  // Each sentence's words and cues, read once for both passes.
  const read = sentences.map((s): ReadSentence => {
    const window = s.slice(0, SCORE_WINDOW);
    const words = wordsOf(window);
    return { window, words, features: features(words) };
  });
  // Names the abstract introduces, so later sentences about them count as the paper's own.
  const names = new Set<string>();
  for (const r of read) {
    if (names.size >= 2 * MAX_NAMES) break;
    if (r.features.contribution || r.features.passive) {
      for (const name of introducedNames(r.window)) names.add(name);
    }
  }

  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  sentences.forEach((s, i) => {
    const score = scoreSentence(s, i, names, maxChars, read[i]!);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return truncate(sentences[best] as string, maxChars);
}
