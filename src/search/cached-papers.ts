/**
 * The papers of an index cache file, as a restart holds them: each record parsed from its chunk
 * with what it shares with other papers shared, and its largest parts read when asked for.
 *
 * - Texts (abstract, highlights, summary) stay in the file; one is read and inflated when one of
 *   its fields is first read (the last `RECENT_TEXTS` read stay decoded). Most never are.
 * - Links are kept compact: the arXiv abstract, PDF and Hugging Face links every arXiv paper has
 *   are a letter each (`a`, `p`, `h`), made from the arXiv id when `links` is read; other links are
 *   kept as they are. A list of letters only is shared by every paper with the same one.
 * - Values many papers have alike are shared: an empty alias list, a single feed source, a list
 *   of categories, an arXiv id equal to the id. Shared arrays are frozen (nothing may change one
 *   paper's through another's).
 *
 * Texts and links are own, enumerable accessors added after the record's other fields (so
 * spreading, `JSON.stringify` and structured cloning see them; they come last in key order); a
 * field assigned becomes a plain value. Which paper of the file a record is sits in a
 * non-enumerable symbol property (not copied by spreading or cloning), and the accessor functions
 * are shared by every paper of one file: that keeps V8's fast object layout and costs 8 bytes a
 * paper (a WeakMap entry cost ~80). Measured on the bench's synthetic arXiv records at 100,000
 * papers: a record parsed whole 760 bytes of heap, plus ~100 for the WeakMap and its entry.
 */
import * as zlib from 'node:zlib';
import { arxivAbsUrl, arxivPdfUrl, hfPaperUrl } from '../papers/arxiv-id.ts';
import type { Paper, PaperLink, PaperSource } from '../papers/paper.ts';
import { IndexCacheError } from './cache-error.ts';

/**
 * Level 1: fast and, on these short texts, within 2% of level 6's size. An 8 KB window and a small
 * hash table: the same size on texts of a few KB, and each call allocates ~40 KB instead of
 * ~400 KB, which in a process holding a large library otherwise sets off a full garbage
 * collection every few hundred calls (zlib's memory counts against the heap).
 */
const DEFLATE = { level: 1, windowBits: 13, memLevel: 6 } as const;

/** The fields read from the file or made when read. */
type TextField = 'abstract' | 'highlights' | 'summary';

/** A record as stored in a chunk: without its text fields and links, its authors as places in the file's name table. */
type Stored = Omit<Paper, TextField | 'links' | 'authors'> & { authors?: number[] };
/** A record attached: its authors are names again. */
type PaperRecord = Omit<Paper, TextField | 'links'>;

/**
 * The authors' names of a library, each once: records store places in it. The same names recur
 * across papers (a million arXiv papers have a few million author places and far fewer people), and
 * a restart then holds each name once and parses numbers instead of strings.
 */
export interface AuthorNames {
  names: string[];
  place: Map<string, number>;
}

/** The author name table of `papers` (first seen first). */
export function authorNames(papers: readonly Paper[]): AuthorNames {
  const names: string[] = [];
  const place = new Map<string, number>();
  for (const p of papers) {
    for (const a of p.authors ?? []) {
      if (!place.has(a)) {
        place.set(a, names.length);
        names.push(a);
      }
    }
  }
  return { names, place };
}

/** A link as stored: a letter for a link made from the arXiv id, else the link. */
type CompactLink = 'a' | 'p' | 'h' | PaperLink;

const DERIVED: Record<'a' | 'p' | 'h', { kind: PaperLink['kind']; url: (id: string) => string }> = {
  a: { kind: 'arxiv', url: arxivAbsUrl },
  p: { kind: 'pdf', url: arxivPdfUrl },
  h: { kind: 'hf', url: hfPaperUrl },
};
const LETTERS = Object.keys(DERIVED) as Array<keyof typeof DERIVED>;

function compactLink(l: PaperLink, arxivId: string | undefined): CompactLink {
  if (arxivId !== undefined) {
    for (const letter of LETTERS) {
      const d = DERIVED[letter];
      if (l.kind === d.kind && l.url === d.url(arxivId)) return letter;
    }
  }
  return { url: l.url, kind: l.kind };
}

/**
 * One chunk of records (papers `from` to `to`) as stored, deflated: JSON `[records, links]`, the
 * records without text or links, each paper's compact links apart. The JSON is ASCII (other
 * characters escaped), so reading it back is a byte copy (`decodeRecordChunk`) rather than UTF-8
 * decoding: at a million papers that decoding was 2.2 s of a 19 s open, a name with one accent
 * making its whole chunk a two-byte string.
 */
export function encodeRecordChunk(papers: readonly Paper[], from: number, to: number, names: AuthorNames): Buffer {
  const records: Stored[] = [];
  const links: CompactLink[][] = [];
  for (let i = from; i < to; i++) {
    const { abstract: _a, highlights: _h, summary: _s, links: l, ...rest } = papers[i]!;
    // Assigned in place: the record keeps its fields' order.
    const stored = rest as unknown as Stored;
    if (rest.authors !== undefined) stored.authors = rest.authors.map((a) => names.place.get(a)!);
    records.push(stored);
    links.push(l.map((x) => compactLink(x, rest.arxivId)));
  }
  return zlib.deflateRawSync(Buffer.from(asciiJson([records, links]), 'latin1'), DEFLATE);
}

/** JSON text with every character past ASCII escaped (`\u00e9`): the same value, one byte a character. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A stored chunk of records, inflated and parsed (not yet checked: see `CachedPapers.attach`). Throws IndexCacheError. */
export function decodeRecordChunk(bytes: Uint8Array): unknown {
  return inflateJson(bytes, 'paper records', 'latin1');
}

/** A paper's text, deflated: JSON `[abstract, highlights]`, or `[abstract, highlights, summary]`. */
export function encodeText(p: Paper): Buffer {
  const fields = p.summary !== undefined ? [p.abstract, p.highlights, p.summary] : [p.abstract, p.highlights];
  return zlib.deflateRawSync(Buffer.from(JSON.stringify(fields), 'utf8'), DEFLATE);
}

/** Inflate and check a paper's text against its kind (see `textKind`). Throws IndexCacheError. */
export function decodeText(bytes: Uint8Array, kind: number, i: number): Pick<Paper, TextField> {
  const v = inflateJson(bytes, `the text of paper ${i}`);
  const withSummary = (kind & 1) === 1;
  const highlights = kind >>> 1;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (
    !Array.isArray(v) ||
    v.length !== (withSummary ? 3 : 2) ||
    typeof v[0] !== 'string' ||
    !strings(v[1]) ||
    (highlights < MANY_HIGHLIGHTS ? v[1].length !== highlights : v[1].length < highlights) ||
    (withSummary && typeof v[2] !== 'string')
  ) {
    throw new IndexCacheError(`the text of paper ${i} does not match its record`);
  }
  return withSummary ? { abstract: v[0], highlights: v[1], summary: v[2] as string } : { abstract: v[0], highlights: v[1] };
}

function inflateJson(bytes: Uint8Array, what: string, encoding: 'utf8' | 'latin1' = 'utf8'): unknown {
  try {
    return JSON.parse(zlib.inflateRawSync(bytes).toString(encoding));
  } catch (err) {
    throw new IndexCacheError(`${what} is damaged: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A paper's text kind, as the cache file keeps it beside the text (one byte): bit 0, whether it has
 * a summary; bits 1-7, how many highlights it has (127: that many or more). So a scan of every
 * paper (`stats`) counts highlights without reading a million texts from the file.
 */
export function textKind(p: Pick<Paper, 'summary' | 'highlights'>): number {
  return (p.summary !== undefined ? 1 : 0) | (Math.min(p.highlights.length, MANY_HIGHLIGHTS) << 1);
}
const MANY_HIGHLIGHTS = 127;

/** Texts kept decoded (the most recently read): a page of results and its follow-ups read the same few again. */
const RECENT_TEXTS = 1024;

/** Which paper of the file a record is. */
const ROW = Symbol('paper of the index cache');
/** A record's compact links. */
const LINKS = Symbol('compact links');
/** Its text kind (see `textKind`): an accessor shared by every paper of a file, reading the file's column. */
const KIND = Symbol('text kind');
/** Set on a paper whose links or highlights were assigned: what the file says of them no longer holds. */
const SETTLED = Symbol('assigned since read');

type Attached = PaperRecord & { [ROW]: number; [LINKS]: readonly CompactLink[]; [KIND]: number; [SETTLED]?: true };

/** A paper of a cache file whose links and highlights are still the file's. */
function fromFile(p: Paper): Attached | undefined {
  const a = p as unknown as Partial<Attached>;
  return a[LINKS] !== undefined && a[SETTLED] === undefined ? (a as Attached) : undefined;
}

/** How many highlights a paper has; for a paper of a cache file, without reading its text. */
export function highlightCount(p: Paper): number {
  const a = fromFile(p);
  const n = a ? a[KIND] >>> 1 : MANY_HIGHLIGHTS;
  return n < MANY_HIGHLIGHTS ? n : p.highlights.length;
}

/** Whether a paper has a link of this kind; for a paper of a cache file, without making its links. */
export function hasLink(p: Paper, kind: PaperLink['kind']): boolean {
  const a = fromFile(p);
  if (!a) return p.links.some((l) => l.kind === kind);
  for (const l of a[LINKS]) if ((typeof l === 'string' ? DERIVED[l].kind : l.kind) === kind) return true;
  return false;
}

const EMPTY = Object.freeze<string[]>([]) as string[];

/**
 * The papers of one cache file: `attach` turns each stored chunk into papers, whose texts are read
 * with `bytes(i)` (checked as read: damage is told to `onDamaged` and the read throws
 * IndexCacheError) and whose links are made when read.
 */
export class CachedPapers {
  readonly #recent = new Map<number, Pick<Paper, TextField>>();
  readonly #descriptors: Record<TextField | 'links' | 'kind', PropertyDescriptor>;
  /** The file's text kinds (see `textKind`), by paper. */
  #kinds: Uint8Array = new Uint8Array(0);
  /** Shared values, by a key of their content. */
  readonly #shared = new Map<string, unknown>();

  constructor(
    readonly bytes: (i: number) => Uint8Array,
    readonly onDamaged?: (err: IndexCacheError) => void,
  ) {
    const load = (paper: Attached): Pick<Paper, TextField> => this.#load(paper);
    const kinds = (): Uint8Array => this.#kinds;
    const text = (field: TextField): PropertyDescriptor => ({
      enumerable: true,
      configurable: true,
      get(this: Attached): unknown {
        return load(this)[field];
      },
      set(this: object, value: unknown): void {
        settle(this, field, value);
      },
    });
    this.#descriptors = {
      abstract: text('abstract'),
      highlights: text('highlights'),
      summary: text('summary'),
      links: {
        enumerable: true,
        configurable: true,
        get(this: Attached): PaperLink[] {
          return expandLinks(this[LINKS], this.arxivId);
        },
        set(this: object, value: unknown): void {
          settle(this, 'links', value);
        },
      },
      kind: {
        get(this: Attached): number {
          return kinds()[this[ROW]]!;
        },
      },
    };
  }

  /**
   * The papers of one inflated chunk (`value`, JSON `[records, links]`), papers `first` on, with
   * `kinds[i]` paper i's text kind (see `textKind`: the same column for every chunk of a file) and
   * `names` the file's author names. Throws IndexCacheError when the chunk is not that.
   */
  attach(value: unknown, first: number, count: number, kinds: Uint8Array, names: readonly string[]): Paper[] {
    this.#kinds = kinds;
    if (!Array.isArray(value) || value.length !== 2) throw new IndexCacheError('paper records are malformed');
    const [records, links] = value as unknown[];
    if (!Array.isArray(records) || !Array.isArray(links) || records.length !== count || links.length !== count) {
      throw new IndexCacheError('paper records do not match the index');
    }
    const out: Paper[] = [];
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const record: unknown = records[k];
      const compact: unknown = links[k];
      if (!isStored(record, names.length) || !isCompactLinks(compact, record.arxivId)) throw new IndexCacheError(`paper record ${i} is malformed`);
      out.push(this.#attachOne(named(record, names), compact, i, (kinds[i]! & 1) === 1));
    }
    return out;
  }

  #attachOne(record: PaperRecord, links: readonly CompactLink[], i: number, withSummary: boolean): Paper {
    this.#share(record);
    Object.defineProperty(record, ROW, { value: i });
    const letters = links.every((l) => typeof l === 'string');
    Object.defineProperty(record, LINKS, { value: letters ? this.#shared1(`l${links.join('')}`, () => Object.freeze(links)) : links });
    Object.defineProperty(record, 'abstract', this.#descriptors.abstract);
    Object.defineProperty(record, 'links', this.#descriptors.links);
    Object.defineProperty(record, 'highlights', this.#descriptors.highlights);
    Object.defineProperty(record, KIND, this.#descriptors.kind);
    if (withSummary) Object.defineProperty(record, 'summary', this.#descriptors.summary);
    return record as unknown as Paper;
  }

  /** Replace values many papers have alike by one shared value. */
  #share(r: PaperRecord): void {
    if (r.aliases.length === 0) r.aliases = EMPTY;
    if (r.arxivId !== undefined && r.arxivId === r.id) r.arxivId = r.id;
    if (r.published !== undefined) r.published = this.#shared1(`d${r.published}`, () => r.published);
    if (r.categories !== undefined) {
      const list = r.categories;
      r.categories = this.#shared1(`c${list.join(' ')}`, () => Object.freeze(list)) as string[];
    }
    const s = r.sources[0]!;
    if (r.sources.length === 1 && 'feed' in s) r.sources = this.#shared1(`s${s.feed} ${s.date}`, () => Object.freeze([Object.freeze(s)])) as PaperSource[];
  }

  #shared1<T>(key: string, make: () => T): T {
    let v = this.#shared.get(key) as T | undefined;
    if (v === undefined) this.#shared.set(key, (v = make()));
    return v;
  }

  /**
   * A paper's text: from the recently read ones, or inflated from the file. Not kept on the paper:
   * a bot answering for months would otherwise end up holding every text it ever showed.
   */
  #load(paper: Attached): Pick<Paper, TextField> {
    const i = paper[ROW];
    if (typeof i !== 'number') throw new TypeError('not a paper of this index cache');
    const recent = this.#recent.get(i);
    if (recent) {
      this.#recent.delete(i);
      this.#recent.set(i, recent);
      return recent;
    }
    let text: Pick<Paper, TextField>;
    try {
      text = decodeText(this.bytes(i), this.#kinds[i]!, i);
    } catch (err) {
      if (err instanceof IndexCacheError) this.onDamaged?.(err);
      throw err;
    }
    if (this.#recent.size >= RECENT_TEXTS) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(i, text);
    return text;
  }
}

/** The links a compact list stands for, made anew (a caller may change what it gets). */
function expandLinks(compact: readonly CompactLink[], arxivId: string | undefined): PaperLink[] {
  return compact.map((l) => {
    if (typeof l !== 'string') return { url: l.url, kind: l.kind };
    const d = DERIVED[l];
    return { url: d.url(arxivId!), kind: d.kind };
  });
}

/** A stored record with its authors' places replaced by their names (the same strings for every paper). */
function named(record: Stored, names: readonly string[]): PaperRecord {
  const places = record.authors;
  if (places !== undefined) (record as unknown as PaperRecord).authors = places.map((at) => names[at]!);
  return record as unknown as PaperRecord;
}

/** Whether `v` is a stored record, its authors places in a table of `names` names. */
function isStored(v: unknown, names: number): v is Stored {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const authors = r['authors'];
  if (authors !== undefined && !(Array.isArray(authors) && authors.every((a) => Number.isInteger(a) && a >= 0 && a < names))) return false;
  return (
    typeof r['id'] === 'string' &&
    typeof r['title'] === 'string' &&
    Array.isArray(r['aliases']) &&
    Array.isArray(r['sources']) &&
    r['sources'].length > 0 &&
    (r['arxivId'] === undefined || typeof r['arxivId'] === 'string') &&
    (r['categories'] === undefined || Array.isArray(r['categories'])) &&
    !('abstract' in r) &&
    !('highlights' in r) &&
    !('summary' in r) &&
    !('links' in r)
  );
}

const KINDS = new Set<string>(['code', 'project', 'arxiv', 'pdf', 'hf', 'other']);

function isCompactLinks(v: unknown, arxivId: string | undefined): v is CompactLink[] {
  if (!Array.isArray(v)) return false;
  return v.every((l: unknown) => {
    if (typeof l === 'string') return arxivId !== undefined && (l === 'a' || l === 'p' || l === 'h');
    if (typeof l !== 'object' || l === null) return false;
    const link = l as Record<string, unknown>;
    return typeof link['url'] === 'string' && typeof link['kind'] === 'string' && KINDS.has(link['kind']);
  });
}

/** A field as a plain value. */
function settle(paper: object, field: TextField | 'links', value: unknown): void {
  Object.defineProperty(paper, field, { value, enumerable: true, configurable: true, writable: true });
  if (field === 'links' || field === 'highlights') Object.defineProperty(paper, SETTLED, { value: true });
}
