/**
 * Button `action_id`s. Every Paperboy button carries the core command to run in its `value`; the
 * id says how the answer is delivered (`Delivery`), in words that buttons already posted in
 * Slack keep using:
 * - `pb:page:<prev|next>`: `update`, replace the message in place (paging);
 * - `pb:run:<n>`: `reply`, answer with a new message (Abstract, Similar, ...);
 * - `pb:share`: `public`, post the reply to the channel for everyone;
 * - `pb:me:<n>`: `ephemeral`, answer only the person who clicked (Save to a reading list).
 * A paging button on a shared message also carries who shared it (`pb:page:next.by-U123`), so
 * the next page keeps its "Shared by" line.
 */
import type { Delivery } from '../shared/requests.ts';

/** The deliveries a Slack button can ask for. */
export type ButtonDelivery = Extract<Delivery, 'update' | 'reply' | 'public' | 'ephemeral'>;

const WIRE: Record<ButtonDelivery, string> = { update: 'page', reply: 'run', public: 'share', ephemeral: 'me' };
const FROM_WIRE: Record<string, ButtonDelivery> = { page: 'update', run: 'reply', share: 'public', me: 'ephemeral' };

export const ACTION_ID_PATTERN = /^pb:(page|run|share|me)(?::[\w.-]{1,200})?$/;

const SHARED_BY = /(?:^|\.)by-([UW][A-Z0-9]{2,20})$/;

export function actionId(delivery: ButtonDelivery, suffix?: string, sharedBy?: string): string {
  const by = sharedBy !== undefined ? `by-${sharedBy}` : undefined;
  const full = [suffix, by].filter((s) => s !== undefined && s !== '').join('.');
  const safe = full.replace(/[^\w.-]/g, '-').slice(0, 200);
  return safe ? `pb:${WIRE[delivery]}:${safe}` : `pb:${WIRE[delivery]}`;
}

export interface ParsedActionId {
  delivery: ButtonDelivery;
  /** The Slack user who shared the message the button is on, when the id says so. */
  sharedBy?: string;
}

/** What a Paperboy action id asks for, or undefined for anything else. */
export function parseActionId(id: string): ParsedActionId | undefined {
  const m = ACTION_ID_PATTERN.exec(id);
  if (!m) return undefined;
  const delivery = FROM_WIRE[m[1]!]!;
  const by = delivery === 'update' ? SHARED_BY.exec(id.slice(m[1]!.length + 4))?.[1] : undefined;
  return by ? { delivery, sharedBy: by } : { delivery };
}
