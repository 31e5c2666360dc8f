/**
 * What the index cache of a library is for, as one string (the cache file's input hash): the
 * parser's version, the store (its database's own id, `none` without one), the store's revision
 * and the page files' hash. A file made for the same parser, store and pages at an earlier revision
 * can be brought up to date from the store (see `canCatchUp`) instead of being rebuilt.
 */

export interface CacheKey {
  parser: number;
  /** The state database's id, or `none`. */
  store: string;
  /** The store revision the papers were read at (-1: no store). */
  revision: number;
  /** `hashInputFiles` of the page files. */
  pages: string;
}

export function cacheKeyHash(k: CacheKey): string {
  return `p${k.parser}-d${k.store}-s${k.revision}-${k.pages}`;
}

/** The key a cache file's input hash stands for, or undefined when it is not one (another version's format). */
export function parseCacheKey(hash: string): CacheKey | undefined {
  // The store id may hold hyphens: the revision is the last `-s<number>-` before the pages' hex hash.
  const m = /^p(\d+)-d(.+)-s(-?\d+)-([0-9a-f]+)$/.exec(hash);
  if (!m) return undefined;
  return { parser: Number(m[1]), store: m[2]!, revision: Number(m[3]), pages: m[4]! };
}

/**
 * Whether a cache made for `older` can stand for `now` once the store's changes after its
 * revision are taken in: the same parser, store and page files, a store revision not after now's.
 */
export function canCatchUp(older: CacheKey, now: CacheKey): boolean {
  return (
    older.parser === now.parser &&
    older.store === now.store &&
    older.store !== 'none' &&
    older.pages === now.pages &&
    older.revision >= 0 &&
    older.revision <= now.revision
  );
}
