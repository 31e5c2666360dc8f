/** Watch ids: `w-` and four hex digits (`w-3f9a`), longer if those are taken. */
export const WATCH_ID = /^w-[0-9a-f]{4,8}$/;

/**
 * A short watch id from a random source in [0, 1). `taken` says whether an id is in use; after a
 * few collisions the id grows by two hex digits.
 */
export function newWatchId(random: () => number, taken: (id: string) => boolean): string {
  for (let digits = 4; digits <= 8; digits += 2) {
    for (let i = 0; i < 8; i++) {
      const n = Math.floor(random() * 16 ** digits);
      const id = `w-${n.toString(16).padStart(digits, '0')}`;
      if (!taken(id)) return id;
    }
  }
  throw new Error('could not find a free watch id');
}
