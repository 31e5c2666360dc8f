/**
 * arXiv's subject categories, to check a category before asking arXiv for it: the API answers an
 * unknown category (`cs.cl`, `foo`) with an empty feed, not an error, so a typo would "succeed"
 * with no papers. Pure.
 *
 * The list is arXiv's category taxonomy as published at https://arxiv.org/category_taxonomy
 * (the archives' current categories, aliases included: `math.IT` is `cs.IT`, `eess.SY` is `cs.SY`,
 * `math.ST` is `stat.TH`, `q-fin.EC` is `econ.GN`, `math.MP` is `math-ph`), written down from that
 * page; archives that have no subject classes (`hep-th`, `quant-ph`, `gr-qc`, …) are categories of
 * their own. When arXiv adds a category, add it here.
 */
import { editDistance } from '../text/distance.ts';

/** Each archive's subject classes, space-separated. */
const SUBJECTS: Record<string, string> = {
  cs: 'AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF PL RO SC SD SE SI SY',
  econ: 'EM GN TH',
  eess: 'AS IV SP SY',
  math: 'AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST',
  'astro-ph': 'CO EP GA HE IM SR',
  'cond-mat': 'dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con',
  nlin: 'AO CD CG PS SI',
  physics:
    'acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph',
  'q-bio': 'BM CB GN MN NC OT PE QM SC TO',
  'q-fin': 'CP EC GN MF PM PR RM ST TR',
  stat: 'AP CO ME ML OT TH',
};

const BY_ARCHIVE: Record<string, readonly string[]> = Object.fromEntries(Object.entries(SUBJECTS).map(([archive, list]) => [archive, list.split(' ')]));

/** Archives that are categories themselves (no subject classes). */
const STANDALONE = ['gr-qc', 'hep-ex', 'hep-lat', 'hep-ph', 'hep-th', 'math-ph', 'nucl-ex', 'nucl-th', 'quant-ph'];

/** arXiv's archives (`cs`, `math`, `astro-ph`; `hep-th` is an archive and its own category), lower case. */
export const ARXIV_ARCHIVES: readonly string[] = [...Object.keys(SUBJECTS), ...STANDALONE];

/** Every arXiv category, as arXiv spells it (`cs.CL`, `cond-mat.stat-mech`, `hep-th`). */
export const ARXIV_CATEGORIES: readonly string[] = [
  ...Object.entries(BY_ARCHIVE).flatMap(([archive, subjects]) => subjects.map((s) => `${archive}.${s}`)),
  ...STANDALONE,
];

const BY_LOWER = new Map<string, string[]>();
for (const c of ARXIV_CATEGORIES) BY_LOWER.set(c.toLowerCase(), [...(BY_LOWER.get(c.toLowerCase()) ?? []), c]);

export type CategoryCheck =
  | { ok: true; category: string }
  /** `suggestions`: the closest categories (by spelling, or of the archive named), best first; may be empty. */
  | { ok: false; problem: string; suggestions: string[] };

/** At most this many closest names in a refusal. */
const MAX_SUGGESTIONS = 4;

/**
 * An arXiv category as arXiv spells it, or why it is none: `cs.cl` -> `cs.CL` (case is fixed when
 * only one category matches), `foo` and `cs.XX` are refused with the closest categories.
 * For the config file's `sources` too: a zod string can `.transform` through it.
 */
export function checkArxivCategory(text: string): CategoryCheck {
  const typed = text.trim();
  const exact = ARXIV_CATEGORIES.find((c) => c === typed);
  if (exact) return { ok: true, category: exact };
  const lower = typed.toLowerCase();
  const cased = BY_LOWER.get(lower) ?? [];
  if (cased.length === 1) return { ok: true, category: cased[0]! };
  const suggestions = closestCategories(lower);
  const shown = typed.length > 30 ? `${typed.slice(0, 29)}…` : typed;
  const archive = BY_ARCHIVE[lower] ? lower : undefined;
  const problem = archive
    ? `"${shown}" is not an arXiv category but an archive: name one of its categories, e.g. ${suggestions.slice(0, 3).join(', ')}.`
    : `"${shown}" is not an arXiv category.${suggestions.length ? ` Closest: ${suggestions.join(', ')}.` : ' Examples: cs.CL, cs.LG, stat.ML.'}`;
  return { ok: false, problem, suggestions };
}

/** Categories closest to a (lowercased) name: the same archive's when it names one, else by spelling. */
function closestCategories(lower: string): string[] {
  const dot = lower.indexOf('.');
  const archive = dot < 0 ? lower : lower.slice(0, dot);
  const scored = ARXIV_CATEGORIES.map((c, i) => {
    const l = c.toLowerCase();
    const sameArchive = l.startsWith(`${archive}.`);
    return { c, i, d: editDistance(lower, l, 3), sameArchive };
  }).filter((x) => x.d <= 2 || (x.sameArchive && dot < 0));
  scored.sort((a, b) => a.d - b.d || Number(b.sameArchive) - Number(a.sameArchive) || a.i - b.i);
  return scored.slice(0, MAX_SUGGESTIONS).map((x) => x.c);
}
