/**
 * The Slack renderer's work grows with what it keeps, not with the square of the input: counted as
 * characters handed to the mrkdwn converters (not timed: test machines are shared and noisy).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Block, Reply, RichText } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { limitViolations } from './check-limits.ts';

const work = vi.hoisted(() => ({ chars: 0 }));
vi.mock('../../adapters/slack/mrkdwn.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../adapters/slack/mrkdwn.ts')>();
  return {
    ...mod,
    toMrkdwn: (...args: Parameters<typeof mod.toMrkdwn>) => {
      for (const s of args[0]) work.chars += s.kind === 'link' ? s.text.length + s.url.length : s.text.length;
      return mod.toMrkdwn(...args);
    },
  };
});
vi.mock('../../adapters/slack/text.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../adapters/slack/text.ts')>();
  return {
    ...mod,
    mrkdwnText: (text: string) => {
      work.chars += text.length;
      return mod.mrkdwnText(text);
    },
  };
});
const { renderSlack } = await import('../../adapters/slack/render.ts');

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, command: 'search x', ...extra });
const spanChars = (spans: RichText) => spans.reduce((n, s) => n + s.text.length, 0);

describe('rendering work is linear in the input', () => {
  it.each([400_000, 4_000_000])('a %i-character abstract: valid blocks, converters read at most 5x the text', (n) => {
    const abstract = 'a & b < c '.repeat(n / 10);
    work.chars = 0;
    const msg = renderSlack(reply([{ kind: 'paper', paper: testCard(1, { abstract }) }], { command: 'show paper-1' }));
    expect(work.chars).toBeLessThanOrEqual(5 * n);
    expect(limitViolations(msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toContain('Abstract cut to fit Slack');
  });

  it.each([8000, 32_000])('a %i-span paragraph: valid blocks, converters read at most 5x the text', (n) => {
    const spans: RichText = Array.from({ length: n }, (_, i) => (i % 2 ? { kind: 'mark', text: 'kv' } : { kind: 'text', text: ' cache and more words ' }));
    work.chars = 0;
    const msg = renderSlack(reply([{ kind: 'paragraph', text: spans }]));
    expect(limitViolations(msg)).toEqual([]);
    expect(work.chars).toBeLessThanOrEqual(5 * spanChars(spans));
  });
});
