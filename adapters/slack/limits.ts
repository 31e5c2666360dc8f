/**
 * Block Kit limits Paperboy renders within. Slack rejects a message that breaks any of them
 * (`invalid_blocks`, `msg_blocks_too_long`), so the renderer cuts content to fit, visibly.
 */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** `section.text`. */
  sectionText: 3000,
  /** Each `section.fields[]` text. */
  fieldText: 2000,
  /** `section.fields` entries. */
  fields: 10,
  /** `header.text` (plain_text). */
  headerText: 150,
  /** Elements in one `context` block. */
  contextElements: 10,
  /** Any text object (context elements included). */
  textObject: 3000,
  /** Button label (plain_text). */
  buttonText: 75,
  /** `action_id` and `block_id`. */
  id: 255,
  /** Button `value`. */
  buttonValue: 2000,
  /** Elements in one `actions` block. */
  actionsElements: 25,
  /**
   * Our budget for the sum of all block text. Slack answers `msg_blocks_too_long` somewhere past
   * ~12,000 characters; we stay well below it.
   */
  totalText: 10_000,
  /** Top-level fallback `text` (Slack truncates at 40,000; notifications show far less). */
  fallbackText: 3000,
} as const;
