/**
 * The papers of an index cache file, as a restart holds them: not as a million records in the
 * heap, but as columns of the file read into one buffer, and per paper an object of one number
 * (which paper of the file it is) whose fields are read from the columns when asked for.
 *
 * - Ids, short names and titles: UTF-8 text back to back, with offsets.
 * - Authors: places in the file's author name table (each name once), with offsets.
 * - Values many papers have alike (the date, the category list, the sources, the arXiv links):
 *   one table of the distinct values (`shared`), each paper's four places in it.
 * - Whatever else a paper has (aliases, counters, repository, DOI, keywords, former ids, links that
 *   are not the arXiv ones): a small JSON object of its own (`rest`), most papers none; parsed
 *   when read, the most recent kept.
 * - Texts (abstract, highlights, summary) stay on disk; one is read when one of its fields is first
 *   read (the last `RECENT_TEXTS` read stay decoded). Most never are. A stored paper's text is read
 *   from the store (`StoredTexts`, when the store can read at once: SQLite), which holds it anyway;
 *   the others' (page papers, and every paper when the store is PostgreSQL) from the file, deflated.
 *
 * A paper of a file is an instance of a class made for that file (`CachedPapers`): its fields are
 * accessors on the prototype, so `paper.title` reads as any paper's does, `JSON.stringify` writes
 * every field (`toJSON`), and a field assigned becomes a plain value of that paper. Spreading and
 * structured cloning see own properties only, so copy a paper with `plainPaper` (what the build
 * worker is sent). At a million of the bench's papers the columns are ~230 MB of buffer (titles 96,
 * rests 67, authors 22), checked at open in ~0.1 s, where the records as objects were ~450 MB of
 * heap and ~5 s of parsing and attaching at every restart (see docs/performance.md).
 */
import * as zlib from 'node:zlib';
import { arxivAbsUrl, arxivPdfUrl, hfPaperUrl } from '../papers/arxiv-id.ts';
import type { Paper, PaperLink, PaperSource } from '../papers/paper.ts';
import { PAPER_FIELDS, plainPaper } from '../papers/plain.ts';
import { bytesOf, ByteColumn } from './byte-column.ts';
import { IndexCacheError } from './cache-error.ts';
import { chainedSlotsOver, chainFits, ChainedSlotTable, SlotTable, slotsFit, slotsOver } from './key-table.ts';
import { foldKey } from './fold.ts';
import type { StoredNames } from './name-index.ts';

/**
 * Level 1: fast and, on these short texts, within 2% of level 6's size. An 8 KB window and a small
 * hash table: the same size on texts of a few KB, and each call allocates ~40 KB instead of
 * ~400 KB, which in a process holding a large library otherwise sets off a full garbage
 * collection every few hundred calls (zlib's memory counts against the heap).
 */
const DEFLATE = { level: 1, windowBits: 13, memLevel: 6 } as const;

/** The fields read from the file's texts. */
type TextField = 'abstract' | 'highlights' | 'summary';

/** A paper's text: its abstract, highlights and summary. */
export type PaperText = Pick<Paper, TextField>;

/**
 * Where the texts of stored papers are read when the cache file leaves them to the store: a stored
 * paper (its record, of which the text fields are read) by its id, at once, or `undefined` when the
 * store has none of that id any more (removed, or stored under another id since: the library hides
 * such a paper when it takes in the store's changes).
 */
export type StoredTexts = (id: string) => PaperText | undefined;

/** The text of a paper the store no longer has, shown until the library takes in that change. */
const GONE: PaperText = Object.freeze({ abstract: '', highlights: Object.freeze([]) as unknown as string[] });

/**
 * The authors' names of a library, each once: papers store places in it. The same names recur
 * across papers (a million arXiv papers have a few million author places and far fewer people), and
 * a restart then holds each name once and reads numbers instead of strings.
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

/** An arXiv link as stored: a letter, the link made from the arXiv id when read. */
type Letter = 'a' | 'p' | 'h';

const DERIVED: Record<Letter, { kind: PaperLink['kind']; url: (id: string) => string }> = {
  a: { kind: 'arxiv', url: arxivAbsUrl },
  p: { kind: 'pdf', url: arxivPdfUrl },
  h: { kind: 'hf', url: hfPaperUrl },
};
const LETTERS = Object.keys(DERIVED) as Letter[];

/** A paper's links as letters, when every one is a link its arXiv id makes (and it has one, equal to its id). */
function letters(p: Paper): Letter[] | undefined {
  if (p.arxivId === undefined || p.arxivId !== p.id) return undefined;
  const out: Letter[] = [];
  for (const l of p.links) {
    const letter = LETTERS.find((x) => l.kind === DERIVED[x].kind && l.url === DERIVED[x].url(p.id));
    if (letter === undefined) return undefined;
    out.push(letter);
  }
  return out;
}

/** The four values a paper keeps as a place in the shared table, in the order of its `shared` column. */
const SHARED = ['published', 'categories', 'sources', 'links'] as const;
type SharedField = (typeof SHARED)[number];
const S_PUBLISHED = 0;
const S_CATEGORIES = 1;
const S_SOURCES = 2;
const S_LINKS = 3;

/**
 * `flags` bits: the arXiv id is the id; the paper has an author list (perhaps empty); its rest
 * holds aliases, former ids, an arXiv id. So the name index, which reads those three of every
 * paper at start, parses no rest that has none of them.
 */
const ARXIV_IS_ID = 1;
const HAS_AUTHORS = 2;
const REST_ALIASES = 4;
const REST_FORMER_IDS = 8;
const REST_ARXIV_ID = 16;
const FLAGS = ARXIV_IS_ID | HAS_AUTHORS | REST_ALIASES | REST_FORMER_IDS | REST_ARXIV_ID;

/** The fields a paper's `rest` may hold. */
type RestField = 'aliases' | 'arxivId' | 'upvotes' | 'comments' | 'githubRepo' | 'githubStars' | 'projectPage' | 'keywords' | 'doi' | 'formerIds' | 'links';
type Rest = Partial<Pick<Paper, RestField>>;
const REST_FIELDS: readonly RestField[] = [
  'aliases',
  'arxivId',
  'upvotes',
  'comments',
  'githubRepo',
  'githubStars',
  'projectPage',
  'keywords',
  'doi',
  'formerIds',
  'links',
];
/** The rest's fields written whenever a paper has them (aliases, an arXiv id and links only in some cases). */
const PLAIN_REST_FIELDS = REST_FIELDS.filter((f) => f !== 'aliases' && f !== 'arxivId' && f !== 'links');

/** A section of record columns, as the index codec writes it. */
export interface RecordSection {
  name: string;
  kind: 'u8' | 'u32' | 'i32' | 'utf8';
  data: Uint8Array;
}

/**
 * The papers' records (all but their texts) as the file's sections: the columns (kept in memory by
 * a restart) and the shared values' table, JSON (read once).
 */
export function encodeRecords(papers: readonly Paper[], names: AuthorNames): { columns: RecordSection[]; shared: RecordSection } {
  const n = papers.length;
  const ids = new ByteColumn(n, 'paper records');
  const shortNames = new ByteColumn(n, 'paper records');
  const titles = new ByteColumn(n, 'paper records');
  const rest = new ByteColumn(n, 'paper records');
  const authorOffsets = new Uint32Array(n + 1);
  let places = new Uint32Array(Math.max(16, n * 4));
  const shared = new Uint32Array(n * SHARED.length);
  const flags = new Uint8Array(n);
  const table: unknown[] = [];
  const placeOf = new Map<string, number>();
  const share = (value: unknown): number => {
    const key = JSON.stringify(value);
    let at = placeOf.get(key);
    if (at === undefined) {
      table.push(value);
      placeOf.set(key, (at = table.length));
    }
    return at;
  };
  let used = 0;
  papers.forEach((p, i) => {
    ids.pushText(p.id);
    shortNames.pushText(p.name ?? '');
    titles.pushText(p.title);
    const authors = p.authors;
    if (authors !== undefined) {
      flags[i]! |= HAS_AUTHORS;
      if (used + authors.length > places.length) {
        const grown = new Uint32Array(Math.max(places.length * 2, used + authors.length));
        grown.set(places.subarray(0, used));
        places = grown;
      }
      for (const a of authors) places[used++] = names.place.get(a)!;
    }
    authorOffsets[i + 1] = used;
    if (p.arxivId !== undefined && p.arxivId === p.id) flags[i]! |= ARXIV_IS_ID;
    const at = i * SHARED.length;
    if (p.published !== undefined) shared[at + S_PUBLISHED] = share(p.published);
    if (p.categories !== undefined) shared[at + S_CATEGORIES] = share(p.categories);
    shared[at + S_SOURCES] = share(p.sources);
    const arxivLinks = letters(p);
    if (arxivLinks !== undefined) shared[at + S_LINKS] = share(arxivLinks);
    const extra: Rest = {};
    if (p.aliases.length > 0) {
      extra.aliases = p.aliases;
      flags[i]! |= REST_ALIASES;
    }
    if (p.arxivId !== undefined && p.arxivId !== p.id) {
      extra.arxivId = p.arxivId;
      flags[i]! |= REST_ARXIV_ID;
    }
    if (p.formerIds !== undefined) flags[i]! |= REST_FORMER_IDS;
    for (const f of PLAIN_REST_FIELDS) if (p[f] !== undefined) (extra as Record<string, unknown>)[f] = p[f];
    if (arxivLinks === undefined) extra.links = p.links;
    const json = JSON.stringify(extra);
    rest.pushText(json === '{}' ? '' : json);
  });
  const nameTable = chainedSlotsOver(n, (i) => foldKey(papers[i]!.name ?? ''));
  return {
    columns: [
      { name: 'paperIds', kind: 'utf8', data: ids.data },
      { name: 'paperIdOffsets', kind: 'u32', data: bytesOf(ids.offsets) },
      { name: 'paperIdSlots', kind: 'i32', data: bytesOf(slotsOver(n, (i) => papers[i]!.id)) },
      { name: 'paperNames', kind: 'utf8', data: shortNames.data },
      { name: 'paperNameOffsets', kind: 'u32', data: bytesOf(shortNames.offsets) },
      { name: 'paperNameSlots', kind: 'i32', data: bytesOf(nameTable.slots) },
      { name: 'paperNameNext', kind: 'i32', data: bytesOf(nameTable.next) },
      { name: 'titles', kind: 'utf8', data: titles.data },
      { name: 'titleOffsets', kind: 'u32', data: bytesOf(titles.offsets) },
      { name: 'paperAuthorPlaces', kind: 'u32', data: bytesOf(places.subarray(0, used)) },
      { name: 'paperAuthorOffsets', kind: 'u32', data: bytesOf(authorOffsets) },
      { name: 'recordShared', kind: 'u32', data: bytesOf(shared) },
      { name: 'recordFlags', kind: 'u8', data: flags },
      { name: 'recordRest', kind: 'utf8', data: rest.data },
      { name: 'recordRestOffsets', kind: 'u32', data: bytesOf(rest.offsets) },
    ],
    // JSON, ASCII only (other characters escaped): read back by a byte copy.
    shared: { name: 'sharedValues', kind: 'utf8', data: Buffer.from(asciiJson(table), 'latin1') },
  };
}

/** JSON text with every character past ASCII escaped (`\u00e9`): the same value, one byte a character. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The columns of a file's records, as `encodeRecords` wrote them (views on the buffer a restart keeps). */
export interface RecordColumns {
  ids: Buffer;
  idOffsets: Uint32Array;
  /** The ids' lookup table (see `slotsOver` in key-table.ts): a restart reads it instead of building it. */
  idSlots: Int32Array;
  names: Buffer;
  nameOffsets: Uint32Array;
  /** The folded short names' lookup table and chains (see `chainedSlotsOver` in key-table.ts). */
  nameSlots: Int32Array;
  nameNext: Int32Array;
  titles: Buffer;
  titleOffsets: Uint32Array;
  authorPlaces: Uint32Array;
  authorOffsets: Uint32Array;
  shared: Uint32Array;
  flags: Uint8Array;
  rest: Buffer;
  restOffsets: Uint32Array;
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

function inflateJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(zlib.inflateRawSync(bytes).toString('utf8'));
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
/** Rests kept parsed (the most recently read). */
const RECENT_RESTS = 1024;

/** The file a paper of an index cache file is from (on its class's prototype). */
const FILE = Symbol('index cache file');
/** Set on a paper whose links or highlights were assigned: what the file says of them no longer holds. */
const SETTLED = Symbol('assigned since read');

interface FromFile {
  [FILE]: CachedPapers;
  [SETTLED]?: true;
}

/** The file and row of a paper of a cache file whose links and highlights are still the file's. */
function fromFile(p: Paper): { file: CachedPapers; row: number } | undefined {
  const a = p as unknown as Partial<FromFile>;
  const file = a[FILE];
  if (file === undefined || a[SETTLED] !== undefined) return undefined;
  return { file, row: file.rowOf(p) };
}

/** Whether `field` of a paper is still read from its cache file (not assigned since, and not a paper built in memory). */
export function readFromFile(p: Paper, field: keyof Paper): boolean {
  const a = p as unknown as Partial<FromFile>;
  return a[FILE] !== undefined && !Object.prototype.hasOwnProperty.call(p, field);
}

/** How many highlights a paper has; for a paper of a cache file, without reading its text. */
export function highlightCount(p: Paper): number {
  const f = fromFile(p);
  const n = f ? f.file.kinds[f.row]! >>> 1 : MANY_HIGHLIGHTS;
  return n < MANY_HIGHLIGHTS ? n : p.highlights.length;
}

/** Whether a paper has a link of this kind; for a paper of a cache file, without making its links. */
export function hasLink(p: Paper, kind: PaperLink['kind']): boolean {
  const f = fromFile(p);
  if (!f) return p.links.some((l) => l.kind === kind);
  const arxiv = f.file.arxivLinks(f.row);
  if (arxiv === undefined) return p.links.some((l) => l.kind === kind);
  for (const l of arxiv) if (DERIVED[l].kind === kind) return true;
  return false;
}

const EMPTY = Object.freeze<string[]>([]) as string[];
const KINDS = new Set<string>(['code', 'project', 'arxiv', 'pdf', 'hf', 'other']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The papers of one cache file, from its record columns (checked here: throws IndexCacheError when
 * they are not what `encodeRecords` writes), its author names, its shared values (JSON, parsed and
 * checked here), each paper's text kind (see `textKind`) and its texts, read with `bytes(i)`
 * (checked as read: damage is told to `onDamaged` and the read throws IndexCacheError, as does a
 * paper's rest found damaged when read). A paper whose text in the file is empty (no bytes) has
 * its text in the store, read with `stored` by the paper's id.
 */
export class CachedPapers {
  readonly n: number;
  readonly #cols: RecordColumns;
  readonly #names: readonly string[];
  readonly #table: readonly unknown[];
  readonly kinds: Uint8Array;
  readonly #recent = new Map<number, Pick<Paper, TextField>>();
  readonly #rests = new Map<number, Rest>();
  readonly #row: (p: object) => number;
  readonly #Paper: new (row: number) => object;

  constructor(
    cols: RecordColumns,
    names: readonly string[],
    sharedJson: Buffer,
    kinds: Uint8Array,
    readonly bytes: (i: number) => Uint8Array,
    readonly onDamaged?: (err: IndexCacheError) => void,
    readonly stored?: StoredTexts,
  ) {
    const n = (this.n = kinds.length);
    this.#cols = cols;
    this.#names = names;
    this.kinds = kinds;
    this.#table = checkColumns(cols, n, names.length, sharedJson);
    // One class per file: its instances hold a row, its prototype reads the rest from this file.
    class FilePaper {
      readonly #at: number;
      constructor(row: number) {
        this.#at = row;
      }
      /** The row of a paper of this file; -1 for anything else (the prototype itself, as a test library's printer reads it). */
      static row(this: void, p: object): number {
        return #at in p ? p.#at : -1;
      }
    }
    this.#row = FilePaper.row;
    this.#Paper = FilePaper;
    const row = FilePaper.row;
    const descriptors: PropertyDescriptorMap = {};
    for (const field of PAPER_FIELDS) {
      const read = this.#reader(field);
      descriptors[field] = {
        configurable: true,
        enumerable: false,
        get(this: object): unknown {
          const i = row(this);
          return i < 0 ? undefined : read(i);
        },
        set(this: object, value: unknown): void {
          settle(this, field, value);
        },
      };
    }
    descriptors['toJSON'] = {
      value(this: Paper): Paper {
        return plainPaper(this);
      },
    };
    descriptors[FILE] = { value: this };
    Object.defineProperties(FilePaper.prototype, descriptors);
  }

  /** The papers, in the file's order: one small object each. */
  papers(): Paper[] {
    const out = new Array<Paper>(this.n);
    const Ctor = this.#Paper;
    for (let i = 0; i < this.n; i++) out[i] = new Ctor(i) as unknown as Paper;
    return out;
  }

  /**
   * What the name index reads from the file (see `NameIndex`): the tables of ids and short names,
   * and the papers with more to index (aliases, former ids, an arXiv id other than their id).
   */
  storedNames(): StoredNames {
    const c = this.#cols;
    const others: number[] = [];
    const more = REST_ALIASES | REST_FORMER_IDS | REST_ARXIV_ID;
    for (let i = 0; i < this.n; i++) if ((c.flags[i]! & more) !== 0) others.push(i);
    const { ids, idOffsets, names, nameOffsets } = c;
    return {
      ids: new SlotTable(c.idSlots, (i) => ids.toString('utf8', idOffsets[i], idOffsets[i + 1])),
      names: new ChainedSlotTable(c.nameSlots, c.nameNext, (i) => foldKey(names.toString('utf8', nameOffsets[i], nameOffsets[i + 1]))),
      others,
    };
  }

  /** Which paper of this file `p` is (a paper of this file only). */
  rowOf(p: Paper): number {
    return this.#row(p);
  }

  /** A paper's arXiv links as letters, when its links are those (else undefined: they are in its rest). */
  arxivLinks(i: number): readonly Letter[] | undefined {
    const at = this.#cols.shared[i * SHARED.length + S_LINKS]!;
    return at === 0 ? undefined : (this.#table[at - 1] as Letter[]);
  }

  #reader(field: keyof Paper): (i: number) => unknown {
    const c = this.#cols;
    const table = this.#table;
    const shared = (k: number) => (i: number) => {
      const at = c.shared[i * SHARED.length + k]!;
      return at === 0 ? undefined : table[at - 1];
    };
    const id = (i: number): string => c.ids.toString('utf8', c.idOffsets[i], c.idOffsets[i + 1]);
    switch (field) {
      case 'id':
        return id;
      case 'title':
        return (i) => c.titles.toString('utf8', c.titleOffsets[i], c.titleOffsets[i + 1]);
      case 'name':
        return (i) => (c.nameOffsets[i] === c.nameOffsets[i + 1] ? undefined : c.names.toString('utf8', c.nameOffsets[i], c.nameOffsets[i + 1]));
      case 'authors':
        return (i) => {
          if ((c.flags[i]! & HAS_AUTHORS) === 0) return undefined;
          const out: string[] = [];
          for (let k = c.authorOffsets[i]!; k < c.authorOffsets[i + 1]!; k++) out.push(this.#names[c.authorPlaces[k]!]!);
          return out;
        };
      case 'arxivId':
        return (i) => ((c.flags[i]! & ARXIV_IS_ID) !== 0 ? id(i) : (c.flags[i]! & REST_ARXIV_ID) !== 0 ? this.#rest(i).arxivId : undefined);
      case 'published':
        return shared(S_PUBLISHED);
      case 'categories':
        return shared(S_CATEGORIES);
      case 'sources':
        return shared(S_SOURCES);
      case 'links':
        return (i) => {
          const arxiv = this.arxivLinks(i);
          if (arxiv === undefined) return (this.#rest(i).links ?? []).map((l) => ({ url: l.url, kind: l.kind }));
          const at = id(i);
          return arxiv.map((l) => ({ url: DERIVED[l].url(at), kind: DERIVED[l].kind }));
        };
      case 'aliases':
        return (i) => ((c.flags[i]! & REST_ALIASES) !== 0 ? this.#rest(i).aliases! : EMPTY);
      case 'formerIds':
        return (i) => ((c.flags[i]! & REST_FORMER_IDS) !== 0 ? this.#rest(i).formerIds : undefined);
      case 'abstract':
      case 'highlights':
        return (i) => this.#text(i)[field];
      case 'summary':
        return (i) => ((this.kinds[i]! & 1) === 0 ? undefined : this.#text(i).summary);
      default:
        return (i) => this.#rest(i)[field];
    }
  }

  /** A paper's rest: from the recently read ones, or parsed and checked. */
  #rest(i: number): Rest {
    const c = this.#cols;
    const from = c.restOffsets[i]!;
    const to = c.restOffsets[i + 1]!;
    if (from === to) return NO_REST;
    const recent = this.#rests.get(i);
    if (recent) return recent;
    let rest: Rest;
    try {
      rest = checkRest(JSON.parse(c.rest.toString('utf8', from, to)), c.flags[i]!, c.shared[i * SHARED.length + S_LINKS] !== 0);
    } catch (err) {
      const damaged = new IndexCacheError(`the record of paper ${i} is damaged: ${err instanceof Error ? err.message : String(err)}`);
      this.onDamaged?.(damaged);
      throw damaged;
    }
    if (this.#rests.size >= RECENT_RESTS) this.#rests.delete(this.#rests.keys().next().value!);
    this.#rests.set(i, rest);
    return rest;
  }

  /**
   * A paper's text: from the recently read ones, or inflated from the file. Not kept on the paper:
   * a bot answering for months would otherwise end up holding every text it ever showed.
   */
  #text(i: number): Pick<Paper, TextField> {
    const recent = this.#recent.get(i);
    if (recent) {
      this.#recent.delete(i);
      this.#recent.set(i, recent);
      return recent;
    }
    let text: Pick<Paper, TextField>;
    const bytes = this.bytes(i);
    if (bytes.byteLength === 0) {
      text = this.#storedText(i);
    } else {
      try {
        text = decodeText(bytes, this.kinds[i]!, i);
      } catch (err) {
        if (err instanceof IndexCacheError) this.onDamaged?.(err);
        throw err;
      }
    }
    if (this.#recent.size >= RECENT_TEXTS) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(i, text);
    return text;
  }

  /**
   * A stored paper's text, from the store's record (the text fields only: the rest of the record
   * may have changed since the file was written, and the library takes such changes in as it
   * takes in papers arriving). A store's damaged row throws the store's error; the file is fine.
   */
  #storedText(i: number): PaperText {
    const stored = this.stored;
    if (!stored) throw new IndexCacheError(`the text of paper ${i} is kept by the store, which is not open`);
    const record = stored(this.#cols.ids.toString('utf8', this.#cols.idOffsets[i], this.#cols.idOffsets[i + 1]));
    if (!record) return GONE;
    const { abstract, highlights, summary } = record;
    return summary === undefined ? { abstract, highlights } : { abstract, highlights, summary };
  }

  /** Read and check paper `i`'s rest now (a probe at open; throws IndexCacheError). */
  probe(i: number): void {
    this.#rest(i);
  }
}

const NO_REST: Rest = Object.freeze({});

/** A field as a plain value of that paper. */
function settle(paper: object, field: keyof Paper, value: unknown): void {
  Object.defineProperty(paper, field, { value, enumerable: true, configurable: true, writable: true });
  if (field === 'links' || field === 'highlights') Object.defineProperty(paper, SETTLED, { value: true, configurable: true });
}

/** Offsets of `count` items back to back in `bytes` bytes: from 0, never falling, to the end. */
function checkOffsets(offsets: Uint32Array, count: number, bytes: number, what: string, nonEmpty: boolean): void {
  if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== bytes) throw new IndexCacheError(`${what} do not match the index`);
  for (let i = 0; i < count; i++) {
    if (nonEmpty ? offsets[i]! >= offsets[i + 1]! : offsets[i]! > offsets[i + 1]!) throw new IndexCacheError(`${what} offsets are not in order`);
  }
}

/** Check the columns of `n` papers against `names` author names; returns the parsed shared values. Throws IndexCacheError. */
function checkColumns(c: RecordColumns, n: number, names: number, sharedJson: Buffer): unknown[] {
  checkOffsets(c.idOffsets, n, c.ids.length, 'paper ids', true);
  if (!slotsFit(c.idSlots, n)) throw new IndexCacheError('paper id table is malformed');
  if (!slotsFit(c.nameSlots, n) || !chainFits(c.nameNext, n)) throw new IndexCacheError('paper name table is malformed');
  checkOffsets(c.nameOffsets, n, c.names.length, 'paper names', false);
  checkOffsets(c.titleOffsets, n, c.titles.length, 'paper titles', true);
  checkOffsets(c.authorOffsets, n, c.authorPlaces.length, 'paper authors', false);
  checkOffsets(c.restOffsets, n, c.rest.length, 'paper records', false);
  if (c.flags.length !== n || c.shared.length !== n * SHARED.length) throw new IndexCacheError('paper records do not match the index');
  for (const at of c.authorPlaces) if (at >= names) throw new IndexCacheError('paper authors are not in the name table');
  let table: unknown;
  try {
    table = JSON.parse(sharedJson.toString('latin1'));
  } catch {
    table = undefined;
  }
  if (!Array.isArray(table)) throw new IndexCacheError('shared paper values are malformed');
  // Each place used is checked once for what its column holds.
  const checked = SHARED.map(() => new Uint8Array(table.length));
  for (let i = 0; i < n; i++) {
    if ((c.flags[i]! & ~FLAGS) !== 0 || (c.flags[i]! & (ARXIV_IS_ID | REST_ARXIV_ID)) === (ARXIV_IS_ID | REST_ARXIV_ID))
      throw new IndexCacheError(`paper record ${i} is malformed`);
    if ((c.flags[i]! & HAS_AUTHORS) === 0 && c.authorOffsets[i] !== c.authorOffsets[i + 1]) throw new IndexCacheError(`paper record ${i} is malformed`);
    for (let k = 0; k < SHARED.length; k++) {
      const at = c.shared[i * SHARED.length + k]!;
      if (at === 0) {
        if (k === S_SOURCES) throw new IndexCacheError(`paper record ${i} is malformed`);
        continue;
      }
      if (at > table.length) throw new IndexCacheError(`paper record ${i} is malformed`);
      if (checked[k]![at - 1] === 0) {
        if (!sharedOk(SHARED[k]!, table[at - 1])) throw new IndexCacheError(`shared paper values are malformed`);
        checked[k]![at - 1] = 1;
      }
      // arXiv links are made from the arXiv id, which must be the id.
      if (k === S_LINKS && (table[at - 1] as Letter[]).length > 0 && (c.flags[i]! & ARXIV_IS_ID) === 0)
        throw new IndexCacheError(`paper record ${i} is malformed`);
    }
  }
  // Frozen: a value is every paper's that has it (a change to one paper's would change the others').
  return table.map((v: unknown) => deepFreeze(v));
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
const count = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

function isLink(l: unknown): l is PaperLink {
  if (typeof l !== 'object' || l === null) return false;
  const link = l as Record<string, unknown>;
  return typeof link['url'] === 'string' && typeof link['kind'] === 'string' && KINDS.has(link['kind']);
}

function isSource(s: unknown): s is PaperSource {
  if (typeof s !== 'object' || s === null) return false;
  const r = s as Record<string, unknown>;
  if ('feed' in r) return (r['feed'] === 'hf' || r['feed'] === 'arxiv') && typeof r['date'] === 'string' && ISO_DATE.test(r['date']);
  return typeof r['file'] === 'string' && Number.isInteger(r['line']) && (r['date'] === undefined || typeof r['date'] === 'string');
}

function sharedOk(field: SharedField, v: unknown): boolean {
  switch (field) {
    case 'published':
      return typeof v === 'string' && ISO_DATE.test(v);
    case 'categories':
      return strings(v);
    case 'sources':
      return Array.isArray(v) && v.length > 0 && v.every(isSource);
    case 'links':
      return Array.isArray(v) && v.every((l) => l === 'a' || l === 'p' || l === 'h');
  }
}

/** A paper's rest as parsed, checked field by field (its arrays frozen: the parsed value is kept and shared by reads). */
function checkRest(v: unknown, flags: number, arxivLinks: boolean): Rest {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  const r = v as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    const x = r[key];
    const ok = (() => {
      switch (key as RestField) {
        case 'aliases':
          return strings(x) && x.length > 0;
        case 'keywords':
        case 'formerIds':
          return strings(x);
        case 'arxivId':
          return typeof x === 'string' && x.length > 0;
        case 'upvotes':
        case 'comments':
        case 'githubStars':
          return count(x);
        case 'githubRepo':
        case 'projectPage':
        case 'doi':
          return typeof x === 'string' && x.length > 0;
        case 'links':
          return Array.isArray(x) && x.every(isLink) && !arxivLinks;
        default:
          return false;
      }
    })();
    if (!ok) throw new Error(REST_FIELDS.includes(key as RestField) ? `bad ${key}` : `unknown field ${key}`);
  }
  if (!arxivLinks && r['links'] === undefined) throw new Error('no links');
  // What the flags say the rest holds, it holds (and nothing they say it does not).
  for (const [field, bit] of [
    ['aliases', REST_ALIASES],
    ['formerIds', REST_FORMER_IDS],
    ['arxivId', REST_ARXIV_ID],
  ] as const) {
    if ((r[field] !== undefined) !== ((flags & bit) !== 0)) throw new Error(`${field} not as its flags say`);
  }
  return deepFreeze(r as Rest);
}
