/**
 * What Slack refuses in a message, and how it says so: the fake Web API and its response_urls
 * answer with these errors, and the limit checker in test/slack/check-limits.ts builds on them.
 *
 * The limits are Slack's documented ones, stated here rather than imported from the adapter
 * (adapters/slack/limits.ts holds Paperboy's own budgets, which must stay within these; a test
 * checks that they do):
 * - Block Kit reference (docs.slack.dev/reference/block-kit): 50 blocks per message; any text
 *   object 1–3,000 characters; `section.text` 3,000; `section.fields` at most 10, each 2,000;
 *   `header.text` plain_text, 150; `context.elements` 1–10; `actions.elements` 1–25; button text
 *   plain_text, 75; button `value` 2,000, `url` 3,000; `action_id` and `block_id` 255, a
 *   `block_id` unique in the message, an `action_id` unique in its block.
 * - chat.postMessage (docs.slack.dev/reference/methods/chat.postMessage): `msg_too_long` for
 *   `text` past 40,000 characters (Slack may also cut such text and warn `message_truncated`: the
 *   fake refuses, so a test notices), `no_text` when there is neither text nor blocks nor
 *   attachments.
 * - `msg_blocks_too_long`: Slack refuses blocks whose text adds up past about 12,000 characters
 *   (not documented; slackapi/bolt-js#2509, #2867). Counted here the way Paperboy budgets it, over
 *   every string in the blocks but their `type`s, which counts more than Slack does.
 *
 * Slack's Web API answers HTTP 200 `{ ok: false, error, errors, response_metadata }`, each entry
 * of `errors` naming the field by a JSON pointer (`must be less than 3001 characters
 * [json-pointer:/blocks/0/text/text]`); a response_url answers HTTP 400 with the error name as
 * plain text, like an incoming webhook.
 */

export const SLACK_DOCUMENTED_LIMITS = {
  blocks: 50,
  messageText: 40_000,
  textObject: 3000,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  id: 255,
  imageAltText: 2000,
  imageUrl: 3000,
  /** Not documented (see above). */
  blocksText: 12_000,
} as const;

const L = SLACK_DOCUMENTED_LIMITS;

export interface SlackRefusal {
  /** `invalid_blocks`, `msg_too_long`, `msg_blocks_too_long`, `no_text`. */
  error: string;
  /** For `invalid_blocks`: what is wrong where, as Slack words it. */
  errors: string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every string in `value` but the `type`s, summed. */
function textSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textSize(v), 0);
  if (isObj(value)) return Object.entries(value).reduce((n, [k, v]) => (k === 'type' ? n : n + textSize(v)), 0);
  return 0;
}

class Checker {
  readonly errors: string[] = [];

  fail(message: string, at: string): void {
    this.errors.push(`${message} [json-pointer:${at}]`);
  }

  /** A string field of at most `max` characters (at least one, unless `optional` and absent). */
  string(value: unknown, at: string, max: number, optional = false): void {
    if (value === undefined && optional) return;
    if (typeof value !== 'string') this.fail('must be a string', at);
    else if (value.length === 0) this.fail('must be more than 0 characters', at);
    else if (value.length > max) this.fail(`must be less than ${max + 1} characters`, at);
  }

  /** A text object: `plain_text` or `mrkdwn` (only `plain_text` where `plainOnly`), 1–`max` characters. */
  text(value: unknown, at: string, max: number = L.textObject, plainOnly = false): void {
    if (!isObj(value)) {
      this.fail('must provide an object', at);
      return;
    }
    const types = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !types.includes(value.type)) {
      this.fail(`must be ${types.map((t) => `"${t}"`).join(' or ')}`, `${at}/type`);
      return;
    }
    if (value.emoji !== undefined && (value.type !== 'plain_text' || typeof value.emoji !== 'boolean'))
      this.fail('emoji is only for plain_text', `${at}/emoji`);
    if (value.verbatim !== undefined && (value.type !== 'mrkdwn' || typeof value.verbatim !== 'boolean'))
      this.fail('verbatim is only for mrkdwn', `${at}/verbatim`);
    this.string(value.text, `${at}/text`, Math.min(max, L.textObject));
  }

  /** An array of 1–`max` items. */
  items(value: unknown, at: string, max: number): value is unknown[] {
    if (!Array.isArray(value)) {
      this.fail('must provide an array', at);
      return false;
    }
    if (value.length === 0) this.fail('must provide at least 1 item', at);
    if (value.length > max) this.fail(`no more than ${max} items allowed`, at);
    return true;
  }

  element(el: unknown, at: string, ids: Set<string>): void {
    if (!isObj(el)) {
      this.fail('must provide an object', at);
      return;
    }
    if (el.action_id !== undefined) {
      this.string(el.action_id, `${at}/action_id`, L.id);
      if (typeof el.action_id === 'string') {
        if (ids.has(el.action_id)) this.fail(`action_id "${el.action_id}" is already used in this block`, `${at}/action_id`);
        ids.add(el.action_id);
      }
    }
    switch (el.type) {
      case 'button':
        this.text(el.text, `${at}/text`, L.buttonText, true);
        this.string(el.value, `${at}/value`, L.buttonValue, true);
        this.string(el.url, `${at}/url`, L.buttonUrl, true);
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') this.fail('must be "primary" or "danger"', `${at}/style`);
        return;
      default:
        // Paperboy sends buttons only; anything else is checked no further.
        if (typeof el.type !== 'string') this.fail('must provide a type', `${at}/type`);
    }
  }

  block(b: unknown, at: string, blockIds: Set<string>): void {
    if (!isObj(b)) {
      this.fail('must provide an object', at);
      return;
    }
    if (b.block_id !== undefined) {
      this.string(b.block_id, `${at}/block_id`, L.id);
      if (typeof b.block_id === 'string') {
        if (blockIds.has(b.block_id)) this.fail(`block_id "${b.block_id}" is already used in this message`, `${at}/block_id`);
        blockIds.add(b.block_id);
      }
    }
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.fail('must provide text or fields', at);
        if (b.text !== undefined) this.text(b.text, `${at}/text`, L.sectionText);
        if (b.fields !== undefined && this.items(b.fields, `${at}/fields`, L.fields)) {
          b.fields.forEach((f, i) => this.text(f, `${at}/fields/${i}`, L.fieldText));
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${at}/accessory`, new Set());
        return;
      }
      case 'header':
        this.text(b.text, `${at}/text`, L.headerText, true);
        return;
      case 'context':
        if (this.items(b.elements, `${at}/elements`, L.contextElements)) {
          b.elements.forEach((e, i) => {
            if (isObj(e) && e.type === 'image') this.image(e, `${at}/elements/${i}`);
            else this.text(e, `${at}/elements/${i}`);
          });
        }
        return;
      case 'actions':
        if (this.items(b.elements, `${at}/elements`, L.actionsElements)) {
          const ids = new Set<string>();
          b.elements.forEach((e, i) => this.element(e, `${at}/elements/${i}`, ids));
        }
        return;
      case 'divider':
        return;
      case 'image':
        this.image(b, at);
        if (b.title !== undefined) this.text(b.title, `${at}/title`, L.imageAltText, true);
        return;
      default:
        this.fail('failed to match all allowed schemas', at);
    }
  }

  image(el: Obj, at: string): void {
    this.string(el.alt_text, `${at}/alt_text`, L.imageAltText);
    if (el.slack_file === undefined) this.string(el.image_url, `${at}/image_url`, L.imageUrl);
  }
}

/**
 * What Slack would refuse in a message (`chat.postMessage`, `chat.update`, `chat.postEphemeral` or a
 * response_url body), or undefined when it would post it. A response_url body that only deletes
 * the original (`delete_original`) needs no text.
 */
export function slackRefusal(msg: Obj): SlackRefusal | undefined {
  const { text, blocks, attachments } = msg;
  if (typeof text === 'string' && text.length > L.messageText) return { error: 'msg_too_long', errors: [] };
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (msg.delete_original !== true && (typeof text !== 'string' || text.trim() === '') && !hasBlocks && !hasAttachments) {
    return { error: 'no_text', errors: [] };
  }
  if (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0)) return undefined;
  const check = new Checker();
  if (check.items(blocks, '/blocks', L.blocks)) {
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => check.block(b, `/blocks/${i}`, blockIds));
  }
  if (check.errors.length > 0) return { error: 'invalid_blocks', errors: check.errors };
  if (textSize(blocks) > L.blocksText) return { error: 'msg_blocks_too_long', errors: [] };
  return undefined;
}
