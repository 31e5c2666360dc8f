/**
 * Split command text into words, honouring quotes: `search "state space" models` ->
 * [`search`, `state space`, `models`]. Straight and typographic double/single quotes are accepted
 * (chat clients like to "smarten" them). An unclosed quote runs to the end of the text.
 */
export interface Word {
  text: string;
  /** The word was written in quotes (so `"--code"` is a word, not a flag). */
  quoted: boolean;
  /** The quote was never closed: the word runs to the end of the text. */
  unclosed?: true;
}

const OPEN_TO_CLOSE: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\u201C': '\u201D',
  '\u201D': '\u201D',
  '\u2018': '\u2019',
  '\u2019': '\u2019',
  '\u201E': '\u201C',
};

export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const ch = text[i]!;
    const close = OPEN_TO_CLOSE[ch];
    // A single quote only opens a quote at the start of a word and when it is closed later
    // (so "don't" and "models'" stay ordinary words).
    if (close !== undefined && (ch === '"' || ch === '\u201C' || ch === '\u201D' || ch === '\u201E' || text.indexOf(close, i + 1) > i)) {
      const end = text.indexOf(close, i + 1);
      const inner = end === -1 ? text.slice(i + 1) : text.slice(i + 1, end);
      const trimmed = inner.trim().replace(/\s+/g, ' ');
      if (trimmed.length > 0) words.push({ text: trimmed, quoted: true, ...(end === -1 ? { unclosed: true as const } : {}) });
      i = end === -1 ? n : end + 1;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(text[j]!)) j++;
    words.push({ text: text.slice(i, j), quoted: false });
    i = j;
  }
  return words;
}

/** The words of a quote the text opens and never closes (`search "kv cache` -> `kv cache`), if any. */
export function unclosedQuote(text: string): string | undefined {
  return splitWords(text).find((w) => w.unclosed)?.text;
}

/**
 * Join words back into command text, quoting words that contain spaces. A word that carries its
 * own quotes (`"state space" models` passed as one shell argument) is kept as written.
 */
export function joinWords(words: readonly string[]): string {
  return words.map((w) => (/["\u201C\u201D]/.test(w) ? w : /\s/.test(w) || w === '' ? `"${w}"` : w)).join(' ');
}
