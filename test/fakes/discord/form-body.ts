/**
 * What Discord rejects in a message body (API v10), for the fake Discord and for tests that check
 * a rendered message directly. Discord answers such a body with 400 and
 * `{ code: 50035, message: 'Invalid Form Body', errors }`, where `errors` follows the body's shape
 * down to each offending field and holds `_errors: [{ code, message }]` there (e.g.
 * `{ embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } }`);
 * a message with nothing in it gets 400 `{ code: 50006, message: 'Cannot send an empty message' }`.
 *
 * The numbers are Discord's documented limits, kept once in `adapters/discord/limits.ts` (every
 * number used here from there is Discord's own, not a choice of the adapter). Lengths are counted
 * in UTF-16 code units, as the adapter counts them (never fewer than Discord's count).
 */
import { LIMITS } from '../../../adapters/discord/limits.ts';

/** One rejected field: where (as Discord's error tree nests it), Discord's error code and message. */
export interface FieldError {
  path: (string | number)[];
  code: string;
  message: string;
}

/** Discord's nested `errors` object of a 50035 answer. */
export interface ErrorTree {
  [key: string]: ErrorTree | { code: string; message: string }[];
}

export type Rejection = { code: 50035; message: 'Invalid Form Body'; errors: ErrorTree } | { code: 50006; message: 'Cannot send an empty message' };

const EMPTY_MESSAGE = { code: 50006, message: 'Cannot send an empty message' } as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

const tooLong = (max: number) => ({ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
const badLength = (min: number, max: number) => ({ code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between ${min} and ${max} in length.` });
const required = { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };

class Problems {
  readonly all: FieldError[] = [];
  add(path: (string | number)[], e: { code: string; message: string }): void {
    this.all.push({ path, ...e });
  }
  /** `value` (when a string) is at most `max` long. */
  maxLength(path: (string | number)[], value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) this.add(path, tooLong(max));
  }
}

function checkEmbeds(embeds: unknown, p: Problems, at: (string | number)[]): void {
  const all = list(embeds);
  if (all.length > LIMITS.embeds) p.add([...at, 'embeds'], tooLong(LIMITS.embeds));
  let total = 0;
  all.forEach((raw, i) => {
    const e = isObj(raw) ? raw : {};
    const here = [...at, 'embeds', i];
    p.maxLength([...here, 'title'], e['title'], LIMITS.embedTitle);
    p.maxLength([...here, 'description'], e['description'], LIMITS.embedDescription);
    const footer = isObj(e['footer']) ? e['footer'] : {};
    const author = isObj(e['author']) ? e['author'] : {};
    p.maxLength([...here, 'footer', 'text'], footer['text'], LIMITS.footer);
    p.maxLength([...here, 'author', 'name'], author['name'], LIMITS.authorName);
    total += text(e['title']).length + text(e['description']).length + text(footer['text']).length + text(author['name']).length;
    const fields = list(e['fields']);
    if (fields.length > LIMITS.embedFields) p.add([...here, 'fields'], tooLong(LIMITS.embedFields));
    fields.forEach((rawField, j) => {
      const f = isObj(rawField) ? rawField : {};
      const name = text(f['name']);
      const value = text(f['value']);
      if (name === '') p.add([...here, 'fields', j, 'name'], required);
      else p.maxLength([...here, 'fields', j, 'name'], name, LIMITS.fieldName);
      if (value === '') p.add([...here, 'fields', j, 'value'], required);
      else p.maxLength([...here, 'fields', j, 'value'], value, LIMITS.fieldValue);
      total += name.length + value.length;
    });
  });
  if (total > LIMITS.embedsTotal)
    p.add([...at, 'embeds'], { code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.embedsTotal}` });
}

/** Link buttons take `http(s)` URLs of at most 512 characters. */
function checkUrl(url: unknown, p: Problems, at: (string | number)[]): void {
  if (typeof url !== 'string' || url === '') {
    p.add(at, required);
    return;
  }
  if (url.length > LIMITS.url) {
    p.add(at, tooLong(LIMITS.url));
    return;
  }
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    p.add(at, { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
    return;
  }
  if (scheme !== 'http' && scheme !== 'https') {
    p.add(at, { code: 'URL_TYPE_INVALID_URL', message: `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https').` });
  }
}

function checkComponents(components: unknown, p: Problems, at: (string | number)[]): void {
  const rows = list(components);
  if (rows.length > LIMITS.actionRows) p.add([...at, 'components'], tooLong(LIMITS.actionRows));
  const ids = new Set<string>();
  rows.forEach((rawRow, i) => {
    const row = isObj(rawRow) ? rawRow : {};
    const here = [...at, 'components', i, 'components'];
    const buttons = list(row['components']);
    if (buttons.length < 1 || buttons.length > LIMITS.buttonsPerRow) p.add(here, badLength(1, LIMITS.buttonsPerRow));
    buttons.forEach((rawButton, j) => {
      const b = isObj(rawButton) ? rawButton : {};
      if (b['type'] !== 2) return;
      const button = [...here, j];
      p.maxLength([...button, 'label'], b['label'], LIMITS.buttonLabel);
      const customId = b['custom_id'];
      if (b['style'] === 5) {
        // A link button opens its URL: it has no custom_id (nothing is sent back to the bot).
        if (customId !== undefined)
          p.add([...button, 'custom_id'], { code: 'COMPONENT_LINK_BUTTON_CUSTOM_ID', message: 'Link buttons cannot have a custom id.' });
        checkUrl(b['url'], p, [...button, 'url']);
        return;
      }
      if (b['url'] !== undefined) p.add([...button, 'url'], { code: 'COMPONENT_BUTTON_URL', message: 'Only link buttons can have a url.' });
      if (typeof customId !== 'string' || customId.length < 1 || customId.length > LIMITS.customId) {
        p.add([...button, 'custom_id'], badLength(1, LIMITS.customId));
      } else if (ids.has(customId)) {
        p.add([...button, 'custom_id'], { code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      } else {
        ids.add(customId);
      }
    });
  });
}

/** Everything Discord rejects with 50035 in a message object (`at`: where it sits in the request body). */
export function messageProblems(message: unknown, at: (string | number)[] = []): FieldError[] {
  const m = isObj(message) ? message : {};
  const p = new Problems();
  p.maxLength([...at, 'content'], m['content'], LIMITS.content);
  checkEmbeds(m['embeds'], p, at);
  checkComponents(m['components'], p, at);
  return p.all;
}

/** A message with no content, embeds or components (we never send stickers, files or polls). */
export function isEmptyMessage(message: unknown): boolean {
  const m = isObj(message) ? message : {};
  return text(m['content']) === '' && list(m['embeds']).length === 0 && list(m['components']).length === 0;
}

/** Everything Discord rejects with 50035 in an interaction callback body (`{ type, data }`). */
export function callbackProblems(body: unknown): FieldError[] {
  const b = isObj(body) ? body : {};
  const data = b['data'];
  if (b['type'] === 8) {
    const p = new Problems();
    const choices = list(isObj(data) ? data['choices'] : undefined);
    if (choices.length > LIMITS.autocompleteChoices) p.add(['data', 'choices'], tooLong(LIMITS.autocompleteChoices));
    choices.forEach((raw, i) => {
      const c = isObj(raw) ? raw : {};
      const name = text(c['name']);
      if (name.length < 1 || name.length > LIMITS.choiceName) p.add(['data', 'choices', i, 'name'], badLength(1, LIMITS.choiceName));
      p.maxLength(['data', 'choices', i, 'value'], c['value'], LIMITS.choiceValue);
    });
    return p.all;
  }
  return data === undefined ? [] : messageProblems(data, ['data']);
}

/** Discord's `errors` tree for a list of problems. */
export function errorTree(problems: readonly FieldError[]): ErrorTree {
  const root: ErrorTree = {};
  for (const { path, code, message } of problems) {
    let node = root;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) node[String(key)] = {};
      node = node[String(key)] as ErrorTree;
    }
    const errs = node['_errors'];
    if (Array.isArray(errs)) errs.push({ code, message });
    else node['_errors'] = [{ code, message }];
  }
  return root;
}

export type BodyKind = 'message' | 'callback';

/**
 * What Discord answers a body of this kind with, when it rejects it: 50006 for an empty message
 * (a new message, a follow-up, an edit, or a callback that replies or updates), else 50035 with
 * the errors tree. Undefined when Discord accepts the body.
 */
export function rejection(kind: BodyKind, body: unknown): { reply: Rejection; problems: FieldError[] } | undefined {
  const b = isObj(body) ? body : {};
  const problems = kind === 'callback' ? callbackProblems(body) : messageProblems(body);
  if (problems.length > 0) return { reply: { code: 50035, message: 'Invalid Form Body', errors: errorTree(problems) }, problems };
  const message = kind === 'callback' ? (b['type'] === 4 || b['type'] === 7 ? (b['data'] ?? {}) : undefined) : body;
  if (message !== undefined && isEmptyMessage(message))
    return { reply: EMPTY_MESSAGE, problems: [{ path: [], code: String(EMPTY_MESSAGE.code), message: EMPTY_MESSAGE.message }] };
  return undefined;
}

/** A problem as one line, e.g. `embeds.0.title: Must be 256 or fewer in length. (BASE_TYPE_MAX_LENGTH)`. */
export function describeProblem(e: FieldError): string {
  return `${e.path.length > 0 ? e.path.join('.') : '(message)'}: ${e.message} (${e.code})`;
}
