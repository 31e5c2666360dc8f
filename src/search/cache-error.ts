/** An index cache file that cannot be used (damaged, truncated, another format): rebuild instead. */
export class IndexCacheError extends Error {
  override name = 'IndexCacheError';
}
