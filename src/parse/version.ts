/**
 * Version of the parser's output. Cached data derived from parsed papers (the on-disk index cache)
 * is keyed by it: bump it whenever a parser change alters the records it produces.
 */
export const PARSER_VERSION = 2;
