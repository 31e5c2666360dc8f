import { FileReadError, readRegularFile } from '../files/read-file.ts';
import { z } from 'zod';
import { packagePath } from '../files/package-root.ts';

export const TopicSchema = z.object({
  /** The word users type: `topic kv-cache`. */
  name: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be lowercase words joined by hyphens (e.g. kv-cache)' }),
  /** Human label: `KV cache compression & management`. */
  label: z.string().min(1).max(100),
  /** Search phrases whose results make up the topic, separated by `|` (`kv cache | key-value cache`). */
  query: z.string().min(1).max(300),
});
export type Topic = z.infer<typeof TopicSchema>;

export const TopicsFileSchema = z.object({
  topics: z
    .array(TopicSchema)
    .max(100)
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, { message: 'topic names must be unique' }),
});

export const BUILTIN_TOPICS_PATH = packagePath('data', 'topics.json');

export class TopicsLoadError extends Error {
  override name = 'TopicsLoadError';
}

/** Parse a topics file's text (pure). Throws `TopicsLoadError` naming the file and the problems. */
export function parseTopics(text: string, file: string): Topic[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TopicsLoadError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = TopicsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n');
    throw new TopicsLoadError(`${file}: invalid topics file:\n${problems}`);
  }
  return parsed.data.topics;
}

/** The largest topics file read. */
export const MAX_TOPICS_BYTES = 1024 * 1024;

/** Read and validate a topics file (default: the shipped `data/topics.json`), a regular file of at most 1 MB. */
export async function loadTopics(path: string = BUILTIN_TOPICS_PATH): Promise<Topic[]> {
  let text: string;
  try {
    text = (await readRegularFile(path, { maxBytes: MAX_TOPICS_BYTES })).toString('utf8');
  } catch (err) {
    if (err instanceof FileReadError && (err.code === 'not-regular' || err.code === 'too-large'))
      throw new TopicsLoadError(`${err.message} (TOPICS_PATH names a topics JSON file)`);
    throw new TopicsLoadError(`${path}: cannot read topics file (${err instanceof FileReadError ? err.code : (err as Error).message})`);
  }
  return parseTopics(text, path);
}
