/** Longest slug kept verbatim; longer ones are cut at a word and get a hash suffix so they stay unique. */
const MAX_SLUG = 80;

/** 32-bit FNV-1a hash as 7 base-36 characters (stable across runs and platforms). */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0');
}

/**
 * A stable, URL-safe id for a (display-clean) title: lowercase ascii words joined by hyphens.
 * Superscripts and accents fold to ascii (`E²GAN` -> `e2gan`). Titles longer than 80 characters
 * are cut at a word boundary and suffixed with a hash of the full slug, so two long titles that
 * share a prefix still get different ids. Returns `paper` plus a hash when nothing ascii is left.
 */
export function slugify(title: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(title);
  const full = (ascii ? title : title.normalize('NFKD'))
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (full.length === 0) return `paper-${shortHash(title)}`;
  if (full.length <= MAX_SLUG) return full;
  const budget = MAX_SLUG - 8;
  let cut = full.lastIndexOf('-', budget);
  if (cut < budget / 2) cut = budget;
  return `${full.slice(0, cut).replace(/-+$/, '')}-${shortHash(full)}`;
}
