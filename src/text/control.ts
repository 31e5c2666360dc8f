/**
 * Control characters: the one definition the parser, the terminal renderer and the chat adapters
 * share. Pure.
 */

/** C0 controls except tab, LF and CR; DEL; C1 controls. */
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
/** Bidi embeddings, overrides and isolates (they can visually reorder the text around them), and the BOM. */
const INVISIBLE = '\\u202A-\\u202E\\u2066-\\u2069\\uFEFF';

/** Control characters a user should not type: C0 (tab, LF and CR are whitespace), DEL and C1. */
export const CONTROL_CHARS = new RegExp(`[${CONTROLS}]`, 'g');

const CONTROLS_AND_CR = new RegExp(`[${CONTROLS}\\r]`, 'g');
const CONTROLS_CR_INVISIBLE = new RegExp(`[${CONTROLS}\\r${INVISIBLE}]`, 'g');

/** The distinct control characters in `text` (tab, LF and CR excepted), in order. */
export function controlCharsIn(text: string): string[] {
  return [...new Set(text.match(CONTROL_CHARS) ?? [])];
}

/**
 * `text` without control characters: C0 except tab and LF (so CR goes too), DEL and C1. With
 * `invisible`, bidi controls and the BOM go as well.
 */
export function stripControlChars(text: string, options: { invisible?: boolean } = {}): string {
  return text.replace(options.invisible ? CONTROLS_CR_INVISIBLE : CONTROLS_AND_CR, '');
}

/**
 * Terminal escape sequences (ECMA-48): CSI (`ESC [` or U+009B, parameters, a final byte); OSC,
 * DCS, SOS, PM and APC strings up to their terminator (BEL or ST); other two-character escapes.
 */
const ESCAPE_SEQUENCES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]{0,1024}(?:\u0007|\u001b\\|\u009c)|\u001b[ -~]/g;

/**
 * `text` as it may be shown anywhere: terminal escape sequences removed whole (so `ESC[2J` leaves
 * no `[2J`), then control characters, bidi controls and the BOM. For text that comes from outside
 * (a source's titles and authors) and for the terminal renderer's last pass.
 */
export function stripTerminalControls(text: string): string {
  return stripControlChars(text.replace(ESCAPE_SEQUENCES, ''), { invisible: true });
}
