/**
 * Button `action_id`s. Every Paperboy button carries the core command to run in its `value`; the
 * id only says how the answer is delivered:
 * - `pb:page:<prev|next>`: replace the message in place (paging);
 * - `pb:run:<n>`: answer with a new message (Abstract, Similar, ...);
 * - `pb:share`: post the reply to the channel for everyone.
 */
export type ButtonKind = 'page' | 'run' | 'share';

export const ACTION_ID_PATTERN = /^pb:(page|run|share)(?::[\w.-]{1,200})?$/;

export function actionId(kind: ButtonKind, suffix?: string): string {
  const safe = suffix?.replace(/[^\w.-]/g, '-').slice(0, 200);
  return safe ? `pb:${kind}:${safe}` : `pb:${kind}`;
}

/** The delivery kind of a Paperboy action id, or undefined for anything else. */
export function parseActionId(id: string): ButtonKind | undefined {
  const m = ACTION_ID_PATTERN.exec(id);
  return m ? (m[1] as ButtonKind) : undefined;
}
