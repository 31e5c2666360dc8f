/**
 * Button custom_ids: `pb1:<mode>:<key>` where mode is `u` (update the message) or `e` (answer
 * privately) and key is an `ActionStore` key. The mode is in the id so that an expired button still
 * gets the right kind of answer.
 */
import type { ActionMode } from './render.ts';

const PREFIX = 'pb1';

export function encodeCustomId(mode: ActionMode, key: string): string {
  return `${PREFIX}:${mode === 'update' ? 'u' : 'e'}:${key}`;
}

export type DecodedCustomId = { kind: 'action'; mode: ActionMode; key: string } | { kind: 'noop' } | { kind: 'unknown' };

export function decodeCustomId(id: string): DecodedCustomId {
  if (id.startsWith('noop:')) return { kind: 'noop' };
  const m = /^pb1:([ue]):([\w-]{1,64})$/.exec(id);
  if (!m) return { kind: 'unknown' };
  return { kind: 'action', mode: m[1] === 'u' ? 'update' : 'ephemeral', key: m[2]! };
}
