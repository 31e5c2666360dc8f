/**
 * A short id people can type (`s-3f9a` for a schedule, `w-0b12` for a watch): `<prefix>-` and four
 * hex digits drawn from `random` (in [0, 1)); after a few collisions two more digits, up to eight.
 * `taken` says whether an id is in use. Throws when even eight digits keep colliding.
 */
export function newShortId(prefix: string, random: () => number, taken: (id: string) => boolean): string {
  for (let digits = 4; digits <= 8; digits += 2) {
    for (let i = 0; i < 8; i++) {
      const n = Math.floor(random() * 16 ** digits);
      const id = `${prefix}-${n.toString(16).padStart(digits, '0')}`;
      if (!taken(id)) return id;
    }
  }
  throw new Error(`could not find a free ${prefix}- id`);
}
