import { expect } from 'vitest';
import { SourceError } from '../../src/sources/types.ts';

/** The `SourceError` a promise rejects with. */
export async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error('expected a SourceError, but the promise resolved');
}
