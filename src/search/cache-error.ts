/** An index cache file that cannot be used (damaged, truncated, another format): rebuild instead. */
export class IndexCacheError extends Error {
  override name = 'IndexCacheError';
}

/** A good cache file for other inputs (the same store at another revision shares its name): rebuild, nothing is wrong. */
export class StaleCacheError extends IndexCacheError {
  override name = 'StaleCacheError';
}
