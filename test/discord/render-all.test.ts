/**
 * Every command's reply for the built-in data, rendered for Discord, within every limit:
 * help, help <cmd>, search <title>, show <id>, similar <id> for every paper, topics, topic <each>,
 * code, digest, stats, random, and paging through results.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderDiscord, type CustomIdFor } from '../../adapters/discord/render.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { limitViolations } from './check-limits.ts';

let paperboy: Paperboy;
const ctx = { platform: 'discord' as const, userId: '1', channelId: '2' };

beforeAll(async () => {
  paperboy = await testPaperboy();
});

const customId: CustomIdFor = (() => {
  let n = 0;
  return (_a, mode) => `pb1:${mode === 'update' ? 'u' : 'e'}:${(n++).toString(36).padStart(12, '0')}`;
})();

async function check(text: string): Promise<string[]> {
  const reply = await paperboy.run(text, ctx);
  const msg = renderDiscord(reply, { customId });
  return limitViolations(msg).map((v) => `${text}: ${v}`);
}

describe('every command reply renders within Discord limits', () => {
  it('has the built-in data', () => {
    expect(paperboy.deps.papers.length).toBeGreaterThanOrEqual(100);
  });

  it('paper cards carry the reference their buttons use (card.ref), and the footer shows it', async () => {
    const reply = await paperboy.run('search snapkv --limit 1', ctx);
    const card = reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper] : []))[0]!;
    expect(card.name).toBe('SnapKV');
    expect(card.ref).toBe('snapkv');
    expect(card.actions.map((a) => a.command)).toContain('show snapkv');
    const footers = renderDiscord(reply, { customId })
      .embeds.map((e) => e.footer?.text)
      .filter(Boolean);
    expect(footers).toContain('SnapKV');
  });

  it('help and help <command>', async () => {
    const problems = [await check('help')];
    for (const c of paperboy.commands) problems.push(await check(`help ${c.name}`));
    expect(problems.flat()).toEqual([]);
  });

  it('search <title>, show <id>, similar <id> for every paper', async () => {
    const problems: string[] = [];
    for (const p of paperboy.deps.papers) {
      problems.push(...(await check(`search ${p.title}`)), ...(await check(`show ${p.id}`)), ...(await check(`similar ${p.id}`)));
    }
    expect(problems).toEqual([]);
  });

  it('show <id> starts with the abstract of the paper', async () => {
    for (const p of paperboy.deps.papers) {
      const msg = renderDiscord(await paperboy.run(`show ${p.id}`, ctx), { customId });
      const text = msg.embeds.map((e) => e.description ?? '').join('\n');
      const firstWords = p.abstract
        .split(/\s+/)
        .slice(0, 3)
        .join(' ')
        .replace(/[\\*_~`|[\]<]/g, '');
      expect(text.replace(/\\/g, '')).toContain(firstWords.replace(/\\/g, ''));
    }
  });

  it('topics, topic <each>, code, digest, stats, random, paging', async () => {
    const problems = [
      await check('topics'),
      await check('code'),
      await check('code --limit 10'),
      await check('digest'),
      await check('digest 10'),
      await check('digest 3 diffusion'),
      await check('stats'),
      await check('random'),
      await check('random video'),
      await check('search model --limit 10'),
    ];
    for (const t of paperboy.deps.topics) problems.push(await check(`topic ${t.name}`), await check(`topic ${t.name} --limit 10`));
    // Follow "next" through every page of a broad search.
    let reply = await paperboy.run('search model', ctx);
    let pages = 0;
    while (reply.paging?.next && pages < 50) {
      problems.push(limitViolations(renderDiscord(reply, { customId })).map((v) => `page ${pages + 1}: ${v}`));
      reply = await paperboy.run(reply.paging.next.command, ctx);
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(problems.flat()).toEqual([]);
  });

  it('bad input replies render within limits too', async () => {
    const problems = [
      await check('x'.repeat(5000)),
      await check('@everyone <@&123> <@456> **__~~'),
      await check('show \u0007\u0000'),
      await check('show nothing-like-this-exists'),
      await check('search --limit 999 kv'),
      await check('frobnicate the papers'),
      await check(''),
    ];
    expect(problems.flat()).toEqual([]);
  });
});
