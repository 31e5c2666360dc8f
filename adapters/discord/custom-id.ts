/**
 * Button custom_ids. A command short enough travels in the id itself, `pb2:<delivery>:<command>`,
 * so the button keeps working after a restart and in any process; a longer one is kept in the
 * `ActionStore` under a short random key, `pb1:<delivery>:<key>` (it expires after a day).
 * Delivery is `u` (update the message) or `e` (answer privately); it is in the id so that an
 * expired button still gets the right kind of answer.
 */
import type { ButtonDelivery } from './render.ts';
import { LIMITS } from './limits.ts';

const KEYED = 'pb1';
const INLINE = 'pb2';

function deliveryCode(delivery: ButtonDelivery): 'u' | 'e' {
  return delivery === 'update' ? 'u' : 'e';
}

/** An id holding a store key. */
export function encodeCustomId(delivery: ButtonDelivery, key: string): string {
  return `${KEYED}:${deliveryCode(delivery)}:${key}`;
}

/** An id holding the command itself, or undefined when it would pass Discord's 100 characters. */
export function inlineCustomId(delivery: ButtonDelivery, command: string): string | undefined {
  const id = `${INLINE}:${deliveryCode(delivery)}:${command}`;
  return id.length <= LIMITS.customId && !/[\r\n]/.test(command) ? id : undefined;
}

export type DecodedCustomId =
  | { kind: 'action'; delivery: ButtonDelivery; key: string }
  | { kind: 'command'; delivery: ButtonDelivery; command: string }
  | { kind: 'noop' }
  | { kind: 'unknown' };

export function decodeCustomId(id: string): DecodedCustomId {
  if (id.startsWith('noop:')) return { kind: 'noop' };
  const inline = /^pb2:([ue]):(.+)$/s.exec(id);
  if (inline) return { kind: 'command', delivery: inline[1] === 'u' ? 'update' : 'ephemeral', command: inline[2]! };
  const m = /^pb1:([ue]):([\w-]{1,64})$/.exec(id);
  if (!m) return { kind: 'unknown' };
  return { kind: 'action', delivery: m[1] === 'u' ? 'update' : 'ephemeral', key: m[2]! };
}
