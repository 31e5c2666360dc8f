import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** A file that cannot be read as a whole regular file: missing, unreadable, not a regular file, or too large. */
export class FileReadError extends Error {
  override name = 'FileReadError';
  constructor(
    message: string,
    readonly path: string,
    /** `ENOENT`, `EACCES`, `EISDIR` (a directory), …; `not-regular` (a FIFO, socket or device) and `too-large` for files refused. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a path is, in words, when it is not a regular file. */
export function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A size for messages: `812 bytes`, `1.5 MB`. */
function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Read a whole regular file. Anything else (a FIFO, a device, a directory) is refused at once,
 * without blocking on it: the file is opened non-blocking and checked through its descriptor, so
 * nothing can be swapped in between the check and the read. A file over `maxBytes` is refused
 * too. Throws `FileReadError` with a message of the form `<path>: <reason>`.
 */
export async function readRegularFile(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new FileReadError(`${path}: cannot be read (${code})`, path, code, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileReadError(`${path}: is ${fileKind(info)}, not a regular file`, path, info.isDirectory() ? 'EISDIR' : 'not-regular');
    const max = opts.maxBytes ?? Infinity;
    if (info.size > max) throw new FileReadError(`${path}: is ${size(info.size)}; at most ${size(max)} is read`, path, 'too-large');
    const data = await handle.readFile();
    if (data.length > max) throw new FileReadError(`${path}: grew past ${size(max)} while being read`, path, 'too-large');
    return data;
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new FileReadError(`${path}: cannot be read (${code})`, path, code, { cause: err });
  } finally {
    await handle.close();
  }
}
