/**
 * Discord's documented message, embed, component and command limits (API v10).
 * Lengths are checked with JS string length (UTF-16 code units), which is never below
 * Discord's own count, so staying under them here stays under them there.
 */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** Sum of title, description, field names/values, footer text and author name over every embed of a message. */
  embedsTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  url: 512,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  /** Names, descriptions and choice values of a command and everything in it, together. */
  commandCharacters: 8000,
} as const;

/** Interaction callback types we send (`POST /interactions/:id/:token/callback`). */
export const CallbackType = {
  /** Reply with a message. */
  ChannelMessage: 4,
  /** ACK now, show "thinking…", edit `@original` later. */
  DeferredChannelMessage: 5,
  /** ACK a component click now, edit the clicked message later. */
  DeferredUpdateMessage: 6,
  /** Replace the clicked message. */
  UpdateMessage: 7,
  /** Answer an autocomplete request. */
  AutocompleteResult: 8,
} as const;

/** Message flag: only the invoking user sees the message. */
export const EPHEMERAL = 1 << 6;

/** Embed colours by reply tone. */
export const TONE_COLOR = {
  ok: 0x5865f2,
  info: 0x4f545c,
  empty: 0xfaa61a,
  error: 0xed4245,
} as const;
