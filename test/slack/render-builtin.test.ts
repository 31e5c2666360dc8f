import { beforeAll, describe, expect, it } from 'vitest';
import { renderSlack } from '../../adapters/slack/render.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { buttonsOf } from './harness.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { limitViolations, pings } from './check-limits.ts';

/**
 * Every command's reply over every built-in paper, rendered for Slack, must respect every Block Kit
 * limit and ping nobody — as an ephemeral reply (with the share button) and as a shared post.
 */

let paperboy: Paperboy;
beforeAll(async () => {
  paperboy = await testPaperboy();
});

const ctx = { platform: 'slack' as const, userId: 'U0001', channelId: 'C0001' };

function check(command: string, reply: Reply): void {
  for (const opts of [{ share: true }, { sharedBy: 'U0002' }, {}]) {
    const msg = renderSlack(reply, opts);
    const problems = limitViolations(msg);
    expect(problems, `${command} ${JSON.stringify(opts)}: ${problems.join('; ')}`).toEqual([]);
    expect(pings(msg, 'U0002'), command).toEqual([]);
  }
}

async function runAll(commands: string[]): Promise<number> {
  for (const c of commands) check(c, await paperboy.run(c, ctx));
  return commands.length;
}

describe('renderSlack over the built-in data', () => {
  it('has the 116 built-in papers', () => {
    expect(paperboy.deps.papers).toHaveLength(116);
  });

  it('help, help <each command>, topics, code, digest, stats, random', async () => {
    const commands = ['help', ...paperboy.commands.map((c) => `help ${c.name}`), 'topics', 'code', 'digest', 'stats', 'random', 'random --code'];
    expect(await runAll(commands)).toBeGreaterThan(10);
  });

  it('topic <each topic>', async () => {
    const topics = paperboy.deps.topics.map((t) => `topic ${t.name}`);
    expect(topics.length).toBeGreaterThan(0);
    await runAll(topics);
  });

  it('search <title>, show <id>, similar <id> for every paper', async () => {
    for (const p of paperboy.deps.papers) {
      await runAll([`search ${p.title}`, `show ${p.id}`, `similar ${p.id}`]);
    }
  });

  it('show <id> keeps the whole abstract (split over sections when needed)', async () => {
    let checked = 0;
    for (const p of paperboy.deps.papers) {
      const msg = renderSlack(await paperboy.run(`show ${p.id}`, ctx), { share: true });
      const text = JSON.stringify(msg.blocks);
      expect(text, p.id).not.toContain('cut to fit');
      // The last words of the abstract are present (nothing silently cut).
      const tail = p.abstract.split(/\s+/).slice(-3).join(' ');
      if (/^[\p{L}\p{N} .,;:()%-]+$/u.test(tail)) {
        expect(text, p.id).toContain(tail);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('every page of a broad search, at the largest page size, stays within limits', async () => {
    const first = await paperboy.run('search model --limit 10', ctx);
    check('search model --limit 10', first);
    const pages = first.paging?.pages ?? 1;
    for (let page = 2; page <= pages; page++) {
      const c = `search model --limit 10 --page ${page}`;
      check(c, await paperboy.run(c, ctx));
    }
    let reply = await paperboy.run('search language model', ctx);
    for (let i = 0; i < 30 && reply.paging?.next; i++) {
      check(reply.command ?? '', reply);
      const next = buttonsOf(renderSlack(reply, { share: true }).blocks).find((b) => b.action_id === 'pb:page:next');
      expect(next?.value).toBe(reply.paging.next.command);
      reply = await paperboy.run(reply.paging.next.command, ctx);
    }
  });

  it('unknown commands, bad flags and no-result searches render as clear replies', async () => {
    await runAll(['frobnicate', 'search', 'search kv --limit 0', 'search kv --page 99999', 'show no-such-paper', 'similar', 'xqzzyvv']);
  });
});
