import { isCapitalisedWord, isGenericTerm, isStrongToken } from './name-like.ts';

/**
 * Trigger words, matched at a word start: verbs with which an abstract introduces its own work
 * (present tense only: past tense is usually prior work) and phrases that name the thing just
 * described. Group 1 = an introducing verb, group 2 = a naming phrase, group 3 = `refer to ... as`.
 */
const TRIGGER_AT =
  /(?:(introduc(?:e|es|ing)|propos(?:e|es|ing)|present(?:s|ing)?|design|develop|build|release|creat(?:e|ing))|(called|named|dubbed|termed|namely|coined|denoted as|known as|referred to as)|(refer to\b[^.;]{0,120}?\bas))\s+(?:the\s+)?/y;
/** Finds candidate trigger words after a space in one native regex pass (cheap on 100k-paper corpora). */
const TRIGGER_SCAN = / (?:introduc|propos|present|design|develop|build|release|creat|called|named|dubbed|termed|namely|coined|denoted|known as|refer)/g;
const SELF = /(?:\b(?:we|paper|work|report|study|dissertation|thesis|article)\s+(?:[a-z]+\s+)?|\b(?:by|to)\s+)$/i;

/** Clause ends: sentence end, semicolon, colon. */
function clauseAt(text: string, from: number, max: number): string {
  const slice = text.slice(from, from + max);
  const end = slice.search(/[.!?](?:\s|$)|[;:](?:\s|$)/);
  return end >= 0 ? slice.slice(0, end) : slice;
}

const TOKEN = /^[^\s,;:()"]+/;
const AFTER_NAME = /^(?:$|[,:;.)]|\s\(|\s(?:which|that|to|for|and|as|a|an|with|in|on|is|can|by|from|powered|achieves|enables)\b)/;
const ADJECTIVE_SUFFIX = /-(?:based|aware|like|style|level|free|wise|driven|efficient|scale|time|bit)$/i;

function candidate(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const t = token.replace(/[.,;:]+$/, '');
  if (!isStrongToken(t) || isGenericTerm(t) || ADJECTIVE_SUFFIX.test(t)) return undefined;
  return t;
}

/** `( X )` anywhere in `text`, strong and not generic. */
function parenthesised(text: string): string | undefined {
  const m = /\(\s*([^()\s]+)\s*\)/.exec(text);
  return candidate(m?.[1]);
}

function fromIntroObject(object: string, found: (alias: string) => void): void {
  const stripped = object.replace(/^(?:the|a|an|our)\s+/i, '');
  const tok = TOKEN.exec(stripped)?.[0];
  if (tok !== undefined) {
    const after = stripped.slice(tok.length);
    const strong = candidate(tok);
    if (strong !== undefined && AFTER_NAME.test(after)) {
      found(strong);
      const second = /^\s+and\s+([^\s,;:()]+)/.exec(after);
      const other = candidate(second?.[1]);
      if (other !== undefined) found(other);
      return;
    }
    // A plain capitalised word in apposition: `we present Fuyou, a low-cost ...`.
    if (strong === undefined && isCapitalisedWord(tok) && /^,\s(?:a|an|the)\s/.test(after) && stripped === object) {
      found(tok);
      return;
    }
  }
  const head = object.slice(0, 110);
  const paren = parenthesised(head);
  if (paren !== undefined) {
    found(paren);
    return;
  }
  // Apposition after a description: `a novel colour quantisation transformer, CQFormer, that`.
  const appo = /^[^()]*?,\s+([^\s,;:()]+)(?=,|\s+(?:that|which|for|to|with|is|can)\b|$)/.exec(head);
  const a = candidate(appo?.[1]);
  if (a !== undefined) found(a);
}

function fromNamingObject(object: string, found: (alias: string) => void): void {
  const tok = TOKEN.exec(object)?.[0];
  if (tok === undefined) return;
  const strong = candidate(tok);
  if (strong !== undefined) {
    found(strong);
    return;
  }
  // `named Reconstruction Relations Embedded Hashing (RREH)`: a capitalised phrase with its acronym.
  const phrase = /^(?:[\p{Lu}][\p{L}-]*\s+){0,7}?[\p{Lu}][\p{L}-]*\s*\(\s*([^()\s]+)\s*\)/u.exec(object);
  const acronym = candidate(phrase?.[1]);
  if (acronym !== undefined) {
    found(acronym);
    return;
  }
  // A single plain word right before punctuation: `namely logzip.`, `called Curator,`.
  const single = /^([\p{L}][\p{Ll}\p{N}-]{2,})(?=[.,;:]|$)/u.exec(object);
  if (single?.[1] !== undefined && !isGenericTerm(single[1])) found(single[1]);
}

/**
 * Names an abstract coins for its own work or its named parts, in order of appearance: the
 * object of "we introduce/propose/present/design/develop/build/release/create X", "called/named/
 * dubbed/termed/namely/denoted as X", "we refer to ... as X", including an acronym in parentheses
 * right after the described thing (`Mixed-precision KV cache (MiKV)`) and an apposition
 * (`a novel transformer, CQFormer, that`). Only name-shaped tokens count (camel case, digits,
 * acronyms; a plain word only in apposition `Fuyou, a ...` or before punctuation after a naming
 * verb). Excluded: the paper's own name and its variants (`SmallThinker-4B-A0.6B`), field-wide
 * acronyms (LLM, GPU, KV, 3DGS, RAG...), and anything merely mentioned (prior work such as FuseLLM
 * is never the object of these verbs in the present tense).
 */
export function extractAliases(abstract: string, name: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const own = name?.toLowerCase();
  if (own !== undefined) seen.add(own);
  const found = (alias: string): void => {
    const key = alias.toLowerCase();
    if (seen.has(key)) return;
    if (own !== undefined && (key.startsWith(`${own}-`) || key.startsWith(`${own} `))) return;
    seen.add(key);
    out.push(alias);
  };
  // One linear pass of a cheap scan; each candidate is confirmed with the exact trigger pattern.
  const at = (i: number): number => {
    TRIGGER_AT.lastIndex = i;
    const m = TRIGGER_AT.exec(abstract);
    if (m === null) return i;
    const objectAt = i + m[0].length;
    if (m[1] !== undefined) {
      // Only the authors' own voice: `we (also) propose`, `this paper introduces`, `to create`, `by proposing`.
      if (!SELF.test(abstract.slice(Math.max(0, i - 30), i))) return i;
      fromIntroObject(clauseAt(abstract, objectAt, 160), found);
    } else {
      fromNamingObject(clauseAt(abstract, objectAt, 120), found);
    }
    return objectAt;
  };
  at(0);
  TRIGGER_SCAN.lastIndex = 0;
  for (let m = TRIGGER_SCAN.exec(abstract); m !== null; m = TRIGGER_SCAN.exec(abstract)) {
    TRIGGER_SCAN.lastIndex = Math.max(TRIGGER_SCAN.lastIndex, at(m.index + 1));
  }
  return out;
}
