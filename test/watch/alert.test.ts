import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../adapters/discord/render.ts';
import { renderSlack } from '../../adapters/slack/render.ts';
import { plain } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { alertPost, describeWatch } from '../../src/watch/alert.ts';
import type { Watch } from '../../src/watch/watch.ts';
import { limitViolations as discordViolations, allText } from '../discord/check-limits.ts';
import { limitViolations as slackViolations, pings } from '../slack/check-limits.ts';
import { feedPaper } from './helpers.ts';

const watch = (over: Partial<Watch> = {}): Watch => ({
  id: 'w-3f9a',
  platform: 'slack',
  channelId: 'C1',
  personal: false,
  query: '"kv cache" compression',
  createdAt: new Date('2026-11-26T09:00:00Z'),
  paused: false,
  ...over,
});

const papers = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    feedPaper({ arxivId: `2611.${String(i + 1).padStart(5, '0')}`, title: `KV Cache Compression, Part ${i + 1}: A Long Title `.padEnd(280, 'x') }),
  );

describe('describeWatch', () => {
  it('quotes the words, keeps phrases quoted, names the author', () => {
    expect(describeWatch({ query: 'kv cache' })).toBe('“kv cache”');
    expect(describeWatch({ query: '"kv cache" compression' })).toBe('“kv cache” compression');
    expect(describeWatch({ query: 'lora', author: 'Tri Dao' })).toBe('“lora” by “Tri Dao”');
    expect(describeWatch({ query: '', author: 'Tri Dao' })).toBe('papers by “Tri Dao”');
  });
});

describe('alertPost', () => {
  it('one paper: a heading, the watch id and how to stop it, one card, no button', () => {
    const r = alertPost(watch(), 7, papers(1));
    expect(r.summary).toBe('New paper: “kv cache” compression (1 paper)');
    expect(r.blocks[0]).toEqual({ kind: 'heading', text: 'New paper: “kv cache” compression' });
    expect(r.blocks[1]?.kind === 'note' && plain(r.blocks[1].text)).toBe('Watch w-3f9a · 1 new paper · watch pause w-3f9a stops these');
    expect(r.blocks.filter((b) => b.kind === 'paper')).toHaveLength(1);
    expect(r.blocks.some((b) => b.kind === 'actions')).toBe(false);
    expect(r.data).toMatchObject({ type: 'results', results: [expect.objectContaining({ id: '2611.00001' })] });
  });

  it('more than five: five cards, "and N more", and a button running the alert page 2', () => {
    const r = alertPost(watch({ personal: true }), 42, papers(12), (p) => `ref-${p.id}`);
    expect(r.blocks.filter((b) => b.kind === 'paper')).toHaveLength(5);
    expect(r.blocks.some((b) => b.kind === 'paragraph' && plain(b.text) === 'and 7 more.')).toBe(true);
    const actions = r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(actions).toEqual([{ id: 'watch-more:42', label: 'Show the other 7', command: 'watch matches w-3f9a --alert 42 --page 2', style: 'primary' }]);
    expect(r.blocks[1]?.kind === 'note' && plain(r.blocks[1].text)).toMatch(/^Your watch w-3f9a · 12 new papers/);
    // Cards name papers by the ref given (short names in buttons).
    const card = r.blocks.find((b) => b.kind === 'paper');
    expect(card?.kind === 'paper' && card.paper.actions.map((a) => a.command)).toContain('show ref-2611.00001');
  });

  it('renders within Slack and Discord limits, escaped, pinging nobody, with the button on both', () => {
    const hostile = watch({ query: '<!channel> @everyone *bold* `code` '.padEnd(200, 'z'), author: '<@U123> & co' });
    const r = alertPost(hostile, 3, papers(9));
    const slack = renderSlack(r);
    expect(slackViolations(slack)).toEqual([]);
    expect(pings(slack)).toEqual([]);
    expect(JSON.stringify(slack.blocks)).toContain('Show the other 4');
    const discord = renderDiscord(r);
    expect(discordViolations(discord)).toEqual([]);
    expect(discord.allowedMentions).toEqual({ parse: [] });
    expect(allText(discord)).toContain('and 4 more');
    expect(JSON.stringify(discord.components)).toContain('Show the other 4');
    expect(renderText(r)).toContain('and 4 more.');
  });
});
