/**
 * The outgoing pace (`src/posting/pace.ts`): a second between sends to one channel, sends to one
 * workspace spaced apart, a 429's wait holding the workspace back, reservations that never
 * collide whatever order concurrent callers come in — all in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { createPacer, firstGap, type PaceTarget } from '../../src/posting/pace.ts';
import { VirtualTime } from './virtual-time.ts';

const T0 = '2026-11-26T09:00:00Z';

function rig(opts: { channelIntervalMs?: number; workspaceIntervalMs?: number } = {}) {
  const vt = new VirtualTime(T0);
  const start = vt.ms;
  const pacer = createPacer({ ...opts, clock: vt.clock, sleep: vt.sleep });
  const sent: { channel: string; workspace: string | undefined; at: number }[] = [];
  const send = (t: PaceTarget) => pacer.run(t, async () => void sent.push({ channel: t.channelId, workspace: t.workspaceId, at: vt.ms - start }));
  return { vt, pacer, sent, send };
}

describe('firstGap', () => {
  it('finds the earliest start at least `gap` from every taken start', () => {
    expect(firstGap([], 5, 10)).toBe(5);
    expect(firstGap([0], 5, 10)).toBe(10);
    expect(firstGap([0, 10, 40], 5, 10)).toBe(20);
    expect(firstGap([0, 10, 20], 0, 10)).toBe(30);
    expect(firstGap([100], 0, 10)).toBe(0);
    expect(firstGap([100], 95, 10)).toBe(110);
  });
});

describe('the pacer', () => {
  it('sends to one channel at most once a second, and to other channels of the workspace in between', async () => {
    const { vt, sent, send } = rig({ channelIntervalMs: 1000, workspaceIntervalMs: 100 });
    const a = { platform: 'slack', workspaceId: 'T1', channelId: 'A' } as const;
    const b = { platform: 'slack', workspaceId: 'T1', channelId: 'B' } as const;
    await vt.run(Promise.all([send(a), send(a), send(a), send(b), send(b)]));
    expect(sent.filter((s) => s.channel === 'A').map((s) => s.at)).toEqual([0, 1000, 2000]);
    expect(sent.filter((s) => s.channel === 'B').map((s) => s.at)).toEqual([100, 1100]);
  });

  it('spaces sends to one workspace, and leaves other workspaces and platforms alone', async () => {
    const { vt, sent, send } = rig({ channelIntervalMs: 1000, workspaceIntervalMs: 200 });
    const targets: PaceTarget[] = [];
    for (const ws of ['T1', 'T2']) for (let c = 0; c < 5; c++) targets.push({ platform: 'slack', workspaceId: ws, channelId: `${ws}-C${c}` });
    targets.push({ platform: 'discord', workspaceId: 'T1', channelId: 'D1' });
    await vt.run(Promise.all(targets.map(send)));
    expect(sent.filter((s) => s.workspace === 'T1' && s.channel.startsWith('T1')).map((s) => s.at)).toEqual([0, 200, 400, 600, 800]);
    expect(sent.filter((s) => s.workspace === 'T2').map((s) => s.at)).toEqual([0, 200, 400, 600, 800]);
    expect(sent.find((s) => s.channel === 'D1')?.at).toBe(0);
  });

  it('paces the channels of an unknown workspace together, per platform', async () => {
    const { vt, sent, send } = rig({ channelIntervalMs: 1000, workspaceIntervalMs: 300 });
    await vt.run(Promise.all([send({ platform: 'slack', channelId: 'A' }), send({ platform: 'slack', channelId: 'B' })]));
    expect(sent.map((s) => s.at)).toEqual([0, 300]);
  });

  it('holds a workspace back for a 429’s wait, then keeps the channel’s interval', async () => {
    const { vt, pacer, sent, send } = rig({ channelIntervalMs: 1000, workspaceIntervalMs: 100 });
    const a = { platform: 'slack', workspaceId: 'T1', channelId: 'A' } as const;
    const b = { platform: 'slack', workspaceId: 'T1', channelId: 'B' } as const;
    await vt.run(send(a));
    pacer.holdOff(a, 5000);
    pacer.holdOff(a, 0); // a zero wait changes nothing
    await vt.run(Promise.all([send(a), send(b), send(a)]));
    expect(sent.map((s) => [s.channel, s.at])).toEqual([
      ['A', 0],
      ['A', 5000],
      ['B', 5100],
      ['A', 6000],
    ]);
  });

  it('a send that fails frees nothing twice and rejects to its caller', async () => {
    const { vt, pacer } = rig();
    const target = { platform: 'slack', workspaceId: 'T1', channelId: 'A' } as const;
    await expect(
      vt.run(
        pacer.run(target, async () => {
          throw new Error('boom');
        }),
      ),
    ).rejects.toThrow('boom');
    const start = vt.ms;
    let at = -1;
    await vt.run(pacer.run(target, async () => void (at = vt.ms - start)));
    expect(at).toBe(1000);
  });
});
