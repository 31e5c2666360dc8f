/**
 * The config file (`PAPERBOY_CONFIG`) is missing, not JSON, or invalid, or its schedules clash with
 * the stored ones. The message names the file; `main` prints it and exits 2.
 */
export class ScheduleConfigError extends Error {
  override name = 'ScheduleConfigError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}
