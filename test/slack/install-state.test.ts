/**
 * The install state store on its own, with an explicit clock: a state is signed, recorded in the
 * shared store and consumed once; a forgery never reaches the store, an expired or replayed state
 * is refused, and the install options come back as they were given.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InstallStateError, installStateStore, newState, stateSigned, STATE_TTL_MS } from '../../adapters/slack/install/state-store.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { KEY_A } from '../installations/helpers.ts';

const SECRET = 'state-secret-0123456789abcdef';
const NOW = new Date('2026-12-05T10:00:00Z');
const OPTIONS = { scopes: ['chat:write', 'commands'], metadata: 'team-42' };

let state: State | undefined;
afterEach(async () => {
  await state?.close();
  state = undefined;
});

function store() {
  state = openMemoryState({ encryptionKey: KEY_A });
  return { installations: state.installations, states: installStateStore(state.installations, SECRET) };
}

describe('signed states', () => {
  it('verify with their own secret only', () => {
    const s = newState(SECRET);
    expect(stateSigned(SECRET, s)).toBe(true);
    expect(stateSigned('another-secret-0123456789', s)).toBe(false);
    // One character changed in the nonce or the signature.
    const flip = (str: string, i: number) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
    expect(stateSigned(SECRET, flip(s, 3))).toBe(false);
    expect(stateSigned(SECRET, flip(s, s.length - 2))).toBe(false);
  });

  it.each(['', 'x', 'a.b', `${'A'.repeat(32)}.${'B'.repeat(24)}`, `${'A'.repeat(32)}.${'B'.repeat(24)}.x`, 'é'.repeat(57)])('refuse %j', (s) => {
    expect(stateSigned(SECRET, s)).toBe(false);
  });

  it('are different every time', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newState(SECRET)));
    expect(seen.size).toBe(200);
  });
});

describe('installStateStore', () => {
  it('hands the install options back once', async () => {
    const { states } = store();
    const s = await states.generateStateParam(OPTIONS, NOW);
    await expect(states.verifyStateParam(new Date(NOW.getTime() + 60_000), s)).resolves.toEqual(OPTIONS);
    await expect(states.verifyStateParam(new Date(NOW.getTime() + 61_000), s)).rejects.toMatchObject({ why: 'unknown', code: 'slack_oauth_invalid_state' });
  });

  it('refuses a state past its ten minutes, and it stays refused', async () => {
    const { states } = store();
    const s = await states.generateStateParam(OPTIONS, NOW);
    const late = new Date(NOW.getTime() + STATE_TTL_MS + 1);
    await expect(states.verifyStateParam(late, s)).rejects.toMatchObject({ why: 'expired' });
    await expect(states.verifyStateParam(NOW, s)).rejects.toMatchObject({ why: 'unknown' });
  });

  it('refuses a forged state without asking the store', async () => {
    const { installations, states } = store();
    const consume = vi.spyOn(installations, 'consumeState');
    await expect(states.verifyStateParam(NOW, `${'A'.repeat(32)}.${'B'.repeat(24)}`)).rejects.toBeInstanceOf(InstallStateError);
    await expect(states.verifyStateParam(NOW, 'not a state')).rejects.toMatchObject({ why: 'forged' });
    expect(consume).not.toHaveBeenCalled();
  });

  it('refuses a state signed with this secret that was never issued (another deployment, a guess)', async () => {
    const { states } = store();
    await expect(states.verifyStateParam(NOW, newState(SECRET))).rejects.toMatchObject({ why: 'unknown' });
  });

  it('is consumed once across two stores on one database (two processes)', async () => {
    const { installations } = store();
    const one = installStateStore(installations, SECRET);
    const two = installStateStore(installations, SECRET);
    const s = await one.generateStateParam(OPTIONS, NOW);
    const results = await Promise.allSettled([one.verifyStateParam(NOW, s), two.verifyStateParam(NOW, s)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('records each state until it expires, with the install options', async () => {
    const { installations, states } = store();
    const issue = vi.spyOn(installations, 'issueState');
    const s = await states.generateStateParam(OPTIONS, NOW);
    expect(issue).toHaveBeenCalledWith(s, new Date(NOW.getTime() + STATE_TTL_MS), JSON.stringify(OPTIONS));
  });
});
