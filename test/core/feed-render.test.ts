/**
 * Feed papers (HF / arXiv records made by `paperFromFeed`) rendered for Slack, Discord and the
 * terminal: `show <arXiv id>`, `search`, `new` and `trending` over a Paperboy whose store holds a
 * deliberately awkward paper — 12 authors, a 300-character title, a 5,000-character abstract, an AI
 * summary, keywords, categories, a GitHub repository, a project page, and text that would ping or
 * format if it were not escaped. Every platform limit holds; the byline (three authors + "et al.",
 * ▲ upvotes), the TL;DR and the arxiv/pdf/hf links show; nothing pings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDiscord, type CustomIdFor, type DiscordMessage } from '../../adapters/discord/render.ts';
import { renderSlack, type SlackMessage } from '../../adapters/slack/render.ts';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { allText, limitViolations as discordViolations } from '../discord/check-limits.ts';
import { allStrings, limitViolations as slackViolations, pings } from '../slack/check-limits.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const BIG_ID = '2611.05001';
const HOSTILE = ' <!channel> @everyone R&D *bold* `rm -rf` ';

function feed(f: FetchedPaper, source: 'hf' | 'arxiv' = 'hf'): Paper {
  const r = paperFromFeed(f, source);
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

function bigTitle(): string {
  let t = `Zebrafish Caching:${HOSTILE}Long Context Inference`;
  for (let i = 1; t.length < 300; i++) t += ` and Sparse Attention Variant ${i}`;
  t = t.slice(0, 300);
  return t.endsWith(' ') ? `${t.slice(0, 299)}s` : t;
}

function bigAbstract(): string {
  let a = `We introduce zebrafish caching for long context inference.${HOSTILE}It runs 3.2x faster than dense attention.`;
  for (let i = 1; a.length < 5000; i++) a += ` Sentence ${i} describes the method and its evaluation on benchmark suite number ${i}.`;
  a = a.slice(0, 5000);
  return a.endsWith(' ') ? `${a.slice(0, 4999)}s` : a;
}

const AUTHORS = [
  'Ada Lovelace',
  'Bob <!channel> Builder',
  'Carla @everyone Díaz',
  'Dmitri Fourth',
  ...Array.from({ length: 8 }, (_, i) => `Coauthor Number ${i + 5}`),
];

const BIG: FetchedPaper = {
  arxivId: BIG_ID,
  title: bigTitle(),
  abstract: bigAbstract(),
  authors: AUTHORS,
  published: '2026-11-28',
  upvotes: 42,
  comments: 3,
  githubRepo: 'https://github.com/zebra-lab/zebrafish-cache',
  githubStars: 1234,
  projectPage: 'https://zebrafish.example.org/',
  aiSummary: `Zebrafish caching keeps accuracy${HOSTILE}while reading far less memory.`,
  keywords: ['caching', '<!here>', 'attention', '*sparse*'],
  categories: ['cs.CL', 'cs.LG'],
};

const ABSTRACT = 'We measure zebrafish tolerance of long sequences and improve accuracy by 2.4% on seven tasks at equal cost.';
const OTHERS: FetchedPaper[] = [
  { arxivId: '2611.05002', title: 'Quiet Zebrafish Decoding', abstract: ABSTRACT, authors: ['Solo Author'], published: '2026-11-28', upvotes: 7 },
  {
    arxivId: '2611.05003',
    title: 'Speculative Drafts for Zebrafish Models',
    abstract: ABSTRACT,
    authors: ['One A', 'Two B', 'Three C'],
    published: '2026-11-28',
    upvotes: 12,
    comments: 1,
  },
  {
    arxivId: '2611.05004',
    title: 'Sparse Mixtures for Zebrafish Retrieval',
    abstract: ABSTRACT,
    authors: ['Yesterday Person'],
    published: '2026-11-27',
    upvotes: 30,
  },
];
const ARXIV_ONLY: FetchedPaper = {
  arxivId: '2611.05005',
  title: 'An arXiv Only Study of Zebrafish Tokenizers',
  abstract: ABSTRACT,
  authors: ['Arxiv Writer', 'Second Writer'],
  published: '2026-11-28',
  categories: ['cs.CL'],
  pdfUrl: 'http://arxiv.org/pdf/2611.05005v1',
};

const ABS = `https://arxiv.org/abs/${BIG_ID}`;
const PDF = `https://arxiv.org/pdf/${BIG_ID}`;
const HF = `https://huggingface.co/papers/${BIG_ID}`;
const BYLINE_AUTHORS = 'Ada Lovelace, Bob <!channel> Builder, Carla @everyone Díaz et al.';

let dir: string;
let store: SqlitePaperStore;
let booted: Booted;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-feed-render-'));
  store = SqlitePaperStore.open(join(dir, 'state.db'));
  const papers = [feed(BIG), ...OTHERS.map((f) => feed(f)), feed(ARXIV_ONLY, 'arxiv')];
  expect(papers[0]!.title).toHaveLength(300);
  expect(papers[0]!.abstract).toHaveLength(5000);
  expect((await store.upsertBatch(papers)).added).toHaveLength(papers.length);
  booted = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
});

afterAll(async () => {
  await booted?.library.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SLACK: RequestContext = { platform: 'slack', userId: 'U0001', channelId: 'C0001' };
const DISCORD: RequestContext = { platform: 'discord', userId: '1', channelId: '2' };

const customId: CustomIdFor = (() => {
  let n = 0;
  return (_a, mode) => `pb1:${mode === 'update' ? 'u' : 'e'}:${(n++).toString(36).padStart(12, '0')}`;
})();

/** The commands whose replies show the big paper, and what kind of reply each is. */
const COMMANDS: { command: string; single: boolean }[] = [
  { command: `show ${BIG_ID}`, single: true },
  { command: `show arXiv:${BIG_ID}v2`, single: true },
  { command: `show https://huggingface.co/papers/${BIG_ID}`, single: true },
  { command: 'search zebrafish caching', single: false },
  { command: 'search zebrafish --limit 10', single: false },
  { command: 'new', single: false },
  { command: 'new 10 --days 3', single: false },
  { command: 'trending', single: false },
  { command: 'trending 10 --days 30', single: false },
];

async function ask(command: string, ctx: RequestContext): Promise<Reply> {
  const reply = await booted.paperboy.run(command, ctx);
  expect(reply.tone, `${command}: ${reply.summary}`).toBe('ok');
  return reply;
}

/** The text of every `mrkdwn` text object in Slack blocks (where `*` and backticks format). */
function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mrkdwnTexts(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) if (v && typeof v === 'object') mrkdwnTexts(v, out);
  }
  return out;
}

/** Every displayed Slack string, joined. */
const slackText = (msg: SlackMessage) => allStrings(msg).join('\n');

describe('the awkward feed paper', () => {
  it('is found by every command under test (first where it should be)', async () => {
    for (const { command, single } of COMMANDS) {
      const reply = await ask(command, SLACK);
      if (single) {
        expect(reply.data?.type === 'paper' && reply.data.paper.id, command).toBe(BIG_ID);
      } else {
        const rows = reply.data?.type === 'results' ? reply.data.results.map((r) => r.id) : [];
        expect(rows, command).toContain(BIG_ID);
        // Most upvoted (new, trending) or best match (its own title words) comes first.
        if (!command.startsWith('search zebrafish --')) expect(rows[0], command).toBe(BIG_ID);
      }
    }
  });
});

describe('Slack', () => {
  it('every reply is within Block Kit limits and pings nobody (ephemeral with share, shared, plain)', async () => {
    for (const { command } of COMMANDS) {
      const reply = await ask(command, SLACK);
      for (const opts of [{ share: true }, { sharedBy: 'U0002' }, {}]) {
        const msg = renderSlack(reply, opts);
        expect(slackViolations(msg), `${command} ${JSON.stringify(opts)}`).toEqual([]);
        expect(pings(msg, 'U0002'), command).toEqual([]);
        const shown = slackText(msg);
        expect(shown, command).not.toContain('<!channel>');
        expect(shown, command).not.toContain('<!here>');
        // In mrkdwn, data text never pairs into formatting and never opens inline code.
        const md = mrkdwnTexts(msg.blocks);
        expect(md.length, command).toBeGreaterThan(0);
        for (const t of md) {
          expect(t, command).not.toContain('*bold*');
          expect(t, command).not.toContain('`rm -rf`');
        }
      }
    }
  });

  it('shows the byline (three authors, et al., date, ▲ upvotes, comments) with mentions escaped', async () => {
    for (const { command } of COMMANDS) {
      const shown = slackText(renderSlack(await ask(command, SLACK)));
      expect(shown, command).toContain('Ada Lovelace, Bob &lt;!channel&gt; Builder, Carla @everyone Díaz et al.');
      expect(shown, command).toMatch(/et al\. · 2026-11-28 · ▲ 42 · 3 comments/);
      expect(shown, command).not.toContain('Dmitri Fourth');
    }
  });

  it('show: TL;DR first, the whole abstract over several sections, fields, link icons for arxiv/pdf/hf', async () => {
    const msg = renderSlack(await ask(`show ${BIG_ID}`, SLACK), { share: true });
    const shown = slackText(msg);
    expect(shown).toMatch(/\*TL;DR\*\s*Zebrafish caching keeps accuracy/);
    expect(shown).toContain('while reading far less memory.');
    expect(shown.indexOf('*TL;DR*')).toBeLessThan(shown.indexOf('We introduce zebrafish caching'));
    expect(shown).not.toContain('cut to fit');
    // The abstract is kept whole: its last sentence is there.
    const tail = BIG.abstract.split(/\s+/).slice(-4, -1).join(' ');
    expect(shown).toContain(tail);
    expect(shown).toContain(`:page_facing_up: <${ABS}|`);
    expect(shown).toContain(`:page_facing_up: <${PDF}|`);
    expect(shown).toContain(`:hugging_face: <${HF}|`);
    expect(shown).toContain(':computer: <https://github.com/zebra-lab/zebrafish-cache|');
    expect(shown).toContain(':globe_with_meridians: <https://zebrafish.example.org/|');
    expect(shown).toContain('1234');
    expect(shown).toContain('cs.CL, cs.LG');
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).toContain('R&amp;D');
  });

  it('result lists carry the link icons too', async () => {
    for (const command of ['search zebrafish caching', 'new', 'trending']) {
      const shown = slackText(renderSlack(await ask(command, SLACK)));
      expect(shown, command).toContain(`:page_facing_up: <${ABS}|`);
      expect(shown, command).toContain(`:hugging_face: <${HF}|`);
    }
  });
});

describe('Discord', () => {
  function render(reply: Reply): DiscordMessage {
    return renderDiscord(reply, { customId });
  }

  it('every reply is within Discord limits, allows no mentions and escapes everything that pings or formats', async () => {
    for (const { command } of COMMANDS) {
      const msg = render(await ask(command, DISCORD));
      expect(discordViolations(msg), command).toEqual([]);
      expect(msg.allowedMentions).toEqual({ parse: [] });
      const all = allText(msg);
      expect(all, command).not.toMatch(/@everyone|@here|<@&\d|<@\d/);
      expect(all, command).not.toMatch(/(?<!\\)\*bold(?<!\\)\*/);
      expect(all, command).not.toMatch(/(?<!\\)`rm -rf/);
    }
  });

  it('shows the byline and TL;DR, and names the arXiv, PDF and Hugging Face links', async () => {
    const msg = render(await ask(`show ${BIG_ID}`, DISCORD));
    const all = allText(msg);
    expect(all).toMatch(/Ada Lovelace, Bob .*Builder, Carla .*Díaz et al\. · 2026-11-28 · ▲ 42 · 3 comments/);
    expect(all).not.toContain('Dmitri Fourth');
    expect(all).toMatch(/\*\*TL;DR ?\*\* ?Zebrafish caching keeps accuracy/);
    expect(all).toContain(`[arXiv](${ABS})`);
    expect(all).toContain(`[PDF](${PDF})`);
    expect(all).toContain(`[Hugging Face](${HF})`);
    expect(all).toContain('[Code](https://github.com/zebra-lab/zebrafish-cache)');
    // The 300-character title is cut to an embed title, visibly.
    const titles = msg.embeds.map((e) => e.title ?? '');
    expect(titles.some((t) => t.startsWith('Zebrafish Caching') && t.endsWith('…'))).toBe(true);
  });

  it('result lists show the byline and the link names', async () => {
    for (const command of ['search zebrafish caching', 'new', 'trending']) {
      const all = allText(render(await ask(command, DISCORD)));
      expect(all, command).toMatch(/et al\. · 2026-11-28 · ▲ 42/);
      expect(all, command).toContain(`[arXiv](${ABS})`);
      expect(all, command).toContain(`[PDF](${PDF})`);
      expect(all, command).toContain(`[Hugging Face](${HF})`);
    }
  });
});

describe('terminal', () => {
  const text = (r: Reply) => renderText(r, { color: false, width: 100 });

  it('show: byline, TL;DR, whole abstract, arxiv:/pdf:/hf: lines, no control characters', async () => {
    const out = text(await ask(`show ${BIG_ID}`, { platform: 'shell', userId: 'local', channelId: 'shell' }));
    const flat = out.replace(/\s+/g, ' ');
    expect(flat).toContain(`${BYLINE_AUTHORS} · 2026-11-28 · ▲ 42 · 3 comments`);
    expect(flat).not.toContain('Dmitri Fourth');
    expect(flat).toMatch(/TL;DR Zebrafish caching keeps accuracy <!channel> @everyone R&D \*bold\* `rm -rf` while reading/);
    expect(flat).toContain(BIG.abstract.split(/\s+/).slice(-4, -1).join(' '));
    expect(out).toMatch(new RegExp(`^\\s+arxiv: ${ABS.replace(/\./g, '\\.')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^\\s+pdf: ${PDF.replace(/\./g, '\\.')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^\\s+hf: ${HF.replace(/\./g, '\\.')}$`, 'm'));
    expect(out).toMatch(/^\s+code: https:\/\/github\.com\/zebra-lab\/zebrafish-cache$/m);
    expect(out).toMatch(/^\s+project: https:\/\/zebrafish\.example\.org\/$/m);
    expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
  });

  it('result lists: byline and link lines for the big paper; an arXiv-only paper has no hf line', async () => {
    for (const command of ['search zebrafish caching', 'new', 'trending']) {
      const out = text(await ask(command, { platform: 'shell', userId: 'local', channelId: 'shell' }));
      expect(out.replace(/\s+/g, ' '), command).toContain(`${BYLINE_AUTHORS} · 2026-11-28 · ▲ 42`);
      expect(out, command).toContain(`arxiv: ${ABS}`);
      expect(out, command).toContain(`hf: ${HF}`);
    }
    const arxivOnly = text(await ask('show 2611.05005', { platform: 'shell', userId: 'local', channelId: 'shell' }));
    expect(arxivOnly).toContain('arxiv: https://arxiv.org/abs/2611.05005');
    expect(arxivOnly).toMatch(/pdf: https?:\/\/arxiv\.org\/pdf\/2611\.05005/);
    expect(arxivOnly).not.toMatch(/^\s+hf: /m);
    expect(arxivOnly.replace(/\s+/g, ' ')).toContain('Arxiv Writer, Second Writer · 2026-11-28');
  });
});
