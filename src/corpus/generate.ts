/**
 * A deterministic synthetic corpus in the Daily Papers page text format, for scale tests and
 * benchmarks: ~10-word titles, ~200-word abstracts drawn from a Zipf-distributed vocabulary
 * (real ML words at the head, pronounceable pseudo-words in the tail), short names (`FooKV:`),
 * code links and some LaTeX (`\%`, `$^{2}$`, `~`). Same (papers, seed) -> same bytes.
 */
import { Random, Zipf } from './random.ts';

/** The head of the vocabulary: real words, most frequent first, so realistic queries hit. */
const HEAD_WORDS = (
  'model models method learning data training performance results approach language large efficient ' +
  'inference memory network neural framework task tasks attention tokens cache quantization compression ' +
  'retrieval generation diffusion transformer layers parameters accuracy benchmark experiments propose ' +
  'gradient optimization sparse dense embedding representation vision image video speech audio graph ' +
  'reinforcement policy reward agent reasoning context sequence decoding encoder decoder latency throughput ' +
  'gpu hardware kernel distributed parallel scaling pretraining finetuning adaptation lowrank adapter ' +
  'pruning distillation teacher student search index vector nearest neighbor hashing storage serving ' +
  'scheduling batching streaming checkpointing fault tolerance federated privacy robustness adversarial ' +
  'segmentation detection tracking reconstruction rendering gaussian splatting radiance field point cloud ' +
  'mesh texture motion pose depth stereo calibration multimodal alignment instruction preference feedback ' +
  'hallucination safety evaluation dataset corpus annotation synthetic augmentation contrastive ' +
  'selfsupervised semisupervised clustering classification regression forecasting anomaly molecule protein ' +
  'quantum physics simulation climate energy robotics navigation planning control'
).split(' ');

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cr', 'dr', 'gr', 'pl', 'st', 'tr', 'sh', 'ch'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'm', 'x', 'nt', 'st', 'rk'];
const NAME_SUFFIXES = ['KV', 'Net', 'GAN', 'LLM', 'Former', 'GS', 'Attn', 'MoE', 'RAG', 'Cache', 'Quant', 'Flow', 'Diff', 'Bench'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const HEADER = ['new', '', 'Get trending papers in your email inbox!', '', 'Subscribe', '', 'Daily Papers', '', 'byAK and the research community', ''];

export interface CorpusOptions {
  papers: number;
  seed: number;
  /** Papers per page file. Default 250. */
  perFile?: number;
  /** Vocabulary size (head words plus pseudo-words). Default 40,000. */
  vocabulary?: number;
}

export interface CorpusFile {
  name: string;
  text: string;
}

function pseudoWord(rnd: Random): string {
  let w = '';
  const syllables = rnd.int(2, 4);
  for (let i = 0; i < syllables; i++) w += rnd.pick(ONSETS) + rnd.pick(VOWELS);
  return w + rnd.pick(CODAS);
}

function capitalise(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Build the vocabulary: head words, then unique pseudo-words. */
function vocabulary(rnd: Random, size: number): string[] {
  const words = [...HEAD_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    const w = pseudoWord(rnd);
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/** One synthetic paper: its day (0 = 2024-01-01 in the page files), title, short name and abstract. */
export interface CorpusPaper {
  day: number;
  title: string;
  name: string | undefined;
  abstract: string;
}

/**
 * The corpus's papers one at a time, `perFile` a day, without holding them (a million papers are
 * ~1.3 GB of text). `generateCorpus` lays the same papers out as page files.
 */
export function* corpusPapers(options: CorpusOptions): Generator<CorpusPaper> {
  const total = Math.max(0, Math.floor(options.papers));
  const perFile = Math.max(1, Math.floor(options.perFile ?? 250));
  const rnd = new Random(options.seed);
  const vocab = vocabulary(rnd, Math.max(HEAD_WORDS.length + 10, options.vocabulary ?? 40_000));
  const zipf = new Zipf(vocab.length, 1.0);
  const word = (): string => vocab[zipf.sample(rnd)]!;
  // Titles are unique: a repeat is drawn again. Kept as 64-bit hashes of the lowercased title, not
  // the titles themselves, so a million papers cost ~50 MB, not ~500.
  const titles = new Set<bigint>();
  for (let made = 0; made < total; made++) {
    let title: string;
    let name: string | undefined;
    let key: bigint;
    do {
      name = rnd.chance(0.35) ? capitalise(pseudoWord(rnd)) + rnd.pick(NAME_SUFFIXES) : undefined;
      const n = rnd.int(7, 12);
      const words: string[] = [];
      for (let k = 0; k < n; k++) words.push(k === 0 ? capitalise(word()) : word());
      title = name ? `${name}: ${words.join(' ')}` : words.join(' ');
      key = titleHash(title.toLowerCase());
    } while (titles.has(key));
    titles.add(key);
    yield { day: Math.floor(made / perFile), title, name, abstract: abstract(rnd, word, name) };
  }
}

/** FNV-1a, 64 bits. */
function titleHash(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** Generate the corpus as page files (one per day, `perFile` papers each). Pure and deterministic. */
export function generateCorpus(options: CorpusOptions): CorpusFile[] {
  const files: CorpusFile[] = [];
  let day = -1;
  let lines: string[] = [];
  const flush = () => {
    if (day < 0) return;
    const date = new Date(Date.UTC(2024, 0, 1 + day));
    files.push({ name: `${date.toISOString().slice(0, 10)}.txt`, text: lines.join('\n') });
  };
  for (const p of corpusPapers(options)) {
    if (p.day !== day) {
      flush();
      day = p.day;
      const date = new Date(Date.UTC(2024, 0, 1 + day));
      lines = [...HEADER, `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`, ''];
    }
    lines.push(p.title, '', p.abstract, '');
  }
  flush();
  return files;
}

function abstract(rnd: Random, word: () => string, name: string | undefined): string {
  const target = rnd.int(170, 230);
  const sentences: string[] = [];
  let words = 0;
  let named = false;
  while (words < target) {
    const n = rnd.int(12, 28);
    const s: string[] = [];
    for (let k = 0; k < n; k++) s.push(word());
    if (name && !named && sentences.length >= 1) {
      s.splice(rnd.int(0, s.length - 1), 0, `we propose ${name},`);
      named = true;
    }
    if (rnd.chance(0.08)) s.push(`by ${rnd.int(2, 95)}\\%`);
    if (rnd.chance(0.04)) s.push(`with O(n$^{2}$) cost`);
    if (rnd.chance(0.05)) s.splice(1, 0, `(e.g.~${word()})`);
    if (rnd.chance(0.06)) s.splice(rnd.int(0, s.length - 1), 0, `${word()}-${word()}`);
    sentences.push(capitalise(s.join(' ')) + '.');
    words += n;
  }
  if (rnd.chance(0.3)) sentences.push(`Code is available at https://github.com/${pseudoWord(rnd)}/${(name ?? pseudoWord(rnd)).toLowerCase()}.`);
  return sentences.join(' ');
}
