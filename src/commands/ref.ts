import type { Paper } from '../papers/paper.ts';
import type { SearchEngine } from '../search/types.ts';

const memo = new WeakMap<SearchEngine, Map<string, string>>();

/** A name is usable in command text when it is plain words (no quotes, no word that looks like a flag). */
function typeable(name: string): boolean {
  return /^[\p{L}\p{N}][\p{L}\p{N} ._²³+-]*$/u.test(name) && !/(^|\s)-/.test(name);
}

/**
 * The shortest reference that brings back exactly this paper in `show`/`similar`: its short name
 * (`snapkv`) when that resolves to it unambiguously, else its id. Keeps buttons and the terminal's
 * command hints short and readable.
 */
export function paperRef(engine: SearchEngine, paper: Paper): string {
  let perEngine = memo.get(engine);
  if (!perEngine) memo.set(engine, (perEngine = new Map()));
  const hit = perEngine.get(paper.id);
  if (hit) return hit;
  let ref = paper.id;
  if (paper.name && typeable(paper.name)) {
    const r = engine.resolve(paper.name);
    if (r.kind === 'found' && r.paper.id === paper.id) ref = paper.name.toLowerCase();
  }
  perEngine.set(paper.id, ref);
  return ref;
}
