/**
 * Button custom_ids: `pb1:<delivery>:<key>` where delivery is `u` (update the message) or `e`
 * (answer privately) and key is an `ActionStore` key. The delivery is in the id so that an expired
 * button still gets the right kind of answer.
 */
import type { ButtonDelivery } from './render.ts';

const PREFIX = 'pb1';

export function encodeCustomId(delivery: ButtonDelivery, key: string): string {
  return `${PREFIX}:${delivery === 'update' ? 'u' : 'e'}:${key}`;
}

export type DecodedCustomId = { kind: 'action'; delivery: ButtonDelivery; key: string } | { kind: 'noop' } | { kind: 'unknown' };

export function decodeCustomId(id: string): DecodedCustomId {
  if (id.startsWith('noop:')) return { kind: 'noop' };
  const m = /^pb1:([ue]):([\w-]{1,64})$/.exec(id);
  if (!m) return { kind: 'unknown' };
  return { kind: 'action', delivery: m[1] === 'u' ? 'update' : 'ephemeral', key: m[2]! };
}
