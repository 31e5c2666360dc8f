import { createHash } from 'node:crypto';

/**
 * The key an OAuth install state is kept under: its SHA-256 (hex). A copy of the database holds no
 * state that could finish an install in progress.
 */
export function stateHash(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}
