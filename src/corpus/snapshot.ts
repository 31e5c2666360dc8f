/**
 * A deterministic synthetic arXiv metadata snapshot (the JSON Lines format of arXiv's dataset),
 * for `npm run bench:million` and tests: the corpus generator's titles and abstracts (Zipf
 * vocabulary, short names, LaTeX) wrapped as arXiv wraps them, 1–8 authors (some with LaTeX
 * accents), cs categories with cross-lists, 1–3 versions, DOIs and comments on some, ids numbered
 * per month from 2010 on. A share of records are of other fields (`math`, `physics`, ...), as in the
 * real file, to be filtered out. Same options, same lines.
 */
import { corpusPapers } from './generate.ts';
import { Random } from './random.ts';

export interface SnapshotOptions {
  /** Records of the wanted archive (`cs`). */
  papers: number;
  seed: number;
  /** Extra records of other fields, per cs record. Default 0.05. */
  otherShare?: number;
}

const CS = 'LG CV CL AI RO CR IT DS SE NI LO DC HC IR SY NE MA GT CY DB SD PL CC DM AR FL MM CG GR SI NA OS PF ET MS SC DL CE GL OH'.split(' ');
const CROSS = ['stat.ML', 'math.OC', 'eess.IV', 'eess.SP', 'eess.AS', 'math.IT', 'q-bio.NC', 'physics.comp-ph', 'econ.TH', 'quant-ph'];
const OTHER = ['math.CO', 'math.AP', 'hep-th', 'hep-ph', 'astro-ph.GA', 'cond-mat.mtrl-sci', 'quant-ph', 'math.PR', 'physics.optics', 'q-bio.PE'];
const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Yann',
  'Fei',
  'Mei',
  'Ravi',
  'Sofia',
  'Chen',
  'Olga',
  'Tomás',
  'Aiko',
  'Lena',
  'Kwame',
  'Priya',
  'Jana',
  'Omar',
  'Ines',
];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Li', 'Zhang', 'Wang', 'Kumar', 'Nakamura', 'Okafor', 'Ivanova', 'Rossi', 'Kim', 'Nguyen', 'Silva', 'Cohen'];
/** Names as arXiv's metadata spells them, LaTeX and all. */
const LATEX_LAST = ['M\\"uller', "Garc{\\'\\i}a", 'Erd\\H{o}s', '{\\AA}str\\"om', "Bal\\'azs", '\\v{C}ech', 'Fran\\c{c}ois'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FIRST_DAY = Date.UTC(2010, 0, 1);
const LAST_DAY = Date.UTC(2026, 10, 30);
const DAY_MS = 86_400_000;

/** `Mon, 2 Apr 2007 19:18:42 GMT`, as arXiv's `versions[].created`. */
function rfcDate(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hh}:${mm}:${ss} GMT`;
}

/** Break text at spaces into lines of at most `width`, joined as arXiv joins them. */
function wrap(text: string, width: number, sep: string): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out.join(sep);
}

/** The snapshot's lines (no newline at their ends), cs records in date order with other fields' records among them. */
export function* snapshotLines(options: SnapshotOptions): Generator<string> {
  const rnd = new Random(options.seed * 7919 + 17);
  const total = Math.max(0, Math.floor(options.papers));
  const otherShare = options.otherShare ?? 0.05;
  const span = (LAST_DAY - FIRST_DAY) / DAY_MS;
  const perMonth = new Map<string, number>();
  const nextId = (ms: number): string => {
    const d = new Date(ms);
    const key = `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    const n = (perMonth.get(key) ?? 0) + 1;
    perMonth.set(key, n);
    return `${key}.${String(n).padStart(5, '0')}`;
  };
  let i = 0;
  for (const p of corpusPapers({ papers: total, seed: options.seed })) {
    const day = FIRST_DAY + Math.floor((i / Math.max(1, total)) * span) * DAY_MS;
    i++;
    const created = day + rnd.int(0, DAY_MS / 1000 - 1) * 1000;
    const other = rnd.chance(otherShare);
    yield record(rnd, p.title, p.abstract, nextId(day), created, false);
    if (other) yield record(rnd, `On ${p.title.toLowerCase()}`, p.abstract, nextId(day), created, true);
  }
}

function record(rnd: Random, title: string, abstract: string, id: string, created: number, otherField: boolean): string {
  const categories = otherField ? [rnd.pick(OTHER)] : [`cs.${CS[Math.min(CS.length - 1, Math.floor(Math.abs(rnd.next() * rnd.next()) * CS.length))]!}`];
  if (!otherField && rnd.chance(0.4)) {
    for (let k = rnd.int(1, 2); k > 0; k--) {
      const c = rnd.chance(0.5) ? rnd.pick(CROSS) : `cs.${rnd.pick(CS)}`;
      if (!categories.includes(c)) categories.push(c);
    }
  }
  const authors: [string, string, string][] = [];
  for (let k = rnd.int(1, 8); k > 0; k--) {
    const last = rnd.chance(0.05) ? rnd.pick(LATEX_LAST) : rnd.pick(LAST);
    authors.push([last, rnd.chance(0.3) ? `${rnd.pick(FIRST).charAt(0)}.` : rnd.pick(FIRST), '']);
  }
  const versions = [{ version: 'v1', created: rfcDate(created) }];
  let last = created;
  for (let v = 2, n = rnd.chance(0.35) ? rnd.int(2, 3) : 1; v <= n; v++) {
    last += rnd.int(3, 200) * DAY_MS;
    versions.push({ version: `v${v}`, created: rfcDate(last) });
  }
  return JSON.stringify({
    id,
    submitter: authors[0]![1] + ' ' + authors[0]![0],
    authors: authors.map(([l, f]) => `${f} ${l}`).join(', '),
    title: wrap(title, 72, '\n  '),
    comments: rnd.chance(0.5) ? `${rnd.int(4, 40)} pages, ${rnd.int(1, 12)} figures` : null,
    'journal-ref': null,
    doi: rnd.chance(0.2) ? `10.${rnd.int(1000, 9999)}/${id}` : null,
    'report-no': null,
    categories: categories.join(' '),
    license: rnd.chance(0.6) ? 'http://creativecommons.org/licenses/by/4.0/' : null,
    abstract: `  ${wrap(abstract, 80, '\n')}\n`,
    versions,
    update_date: new Date(last).toISOString().slice(0, 10),
    authors_parsed: authors,
  });
}
