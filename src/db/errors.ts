/**
 * The state database (`DATA_DIR/state.db`: schedules, papers) cannot be used (corrupt, unwritable, from a newer version).
 * The message names the file and says what to do; `main` prints it and exits.
 */
export class StateStoreError extends Error {
  override name = 'StateStoreError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
