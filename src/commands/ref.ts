import type { Paper } from '../papers/paper.ts';
import type { SearchEngine } from '../search/types.ts';

const memo = new WeakMap<SearchEngine, Map<string, string>>();

/** A name is usable in command text when it is plain words (no quotes, no word that looks like a flag). */
function typeable(name: string): boolean {
  return /^[\p{L}\p{N}][\p{L}\p{N} ._²³+-]*$/u.test(name) && !/(^|\s)-/.test(name);
}

/**
 * The shortest reference that brings back exactly this paper in `show`/`similar`: its short name
 * (`snapkv`) when that resolves to it unambiguously, else another name its abstract introduces
 * (`mikv`) that does, else its id. Keeps buttons and the terminal's command hints short and readable.
 */
export function paperRef(engine: SearchEngine, paper: Paper): string {
  let perEngine = memo.get(engine);
  if (!perEngine) memo.set(engine, (perEngine = new Map<string, string>()));
  const hit = perEngine.get(paper.id);
  if (hit) return hit;
  let ref = paper.id;
  for (const name of [...(paper.name ? [paper.name] : []), ...paper.aliases]) {
    if (!typeable(name) || name.length >= paper.id.length) continue;
    const r = engine.resolve(name);
    if (r.kind === 'found' && r.paper.id === paper.id) {
      ref = name.toLowerCase();
      break;
    }
  }
  perEngine.set(paper.id, ref);
  return ref;
}
