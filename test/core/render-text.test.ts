import { describe, expect, it } from 'vitest';
import { postText, renderExport, renderText, sanitize } from '../../src/render/text.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { alertPost } from '../../src/watch/alert.ts';
import type { Watch } from '../../src/watch/watch.ts';

const reply: Reply = {
  tone: 'ok',
  summary: 'Results for “kv cache”: 12 papers',
  blocks: [
    { kind: 'heading', text: 'Results for “kv cache”' },
    { kind: 'note', text: [{ kind: 'text', text: '12 papers · page 1 of 3' }] },
    {
      kind: 'paper',
      paper: {
        id: 'snapkv-llm-knows',
        title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
        name: 'SnapKV',
        rank: 1,
        score: 3.2,
        snippet: [
          { kind: 'text', text: '…minimizes ' },
          { kind: 'mark', text: 'KV' },
          { kind: 'text', text: ' ' },
          { kind: 'mark', text: 'cache' },
          { kind: 'text', text: ' size…' },
        ],
        links: [{ url: 'https://github.com/FasterDecoding/SnapKV', kind: 'code' }],
        highlights: ['3.6x increase in generation speed', '8.2x enhancement in memory efficiency'],
        actions: [
          { id: 'abstract:snapkv', label: 'Abstract', command: 'show snapkv-llm-knows' },
          { id: 'similar:snapkv', label: 'Similar', command: 'similar snapkv-llm-knows' },
        ],
      },
    },
    { kind: 'fields', fields: [{ label: 'Papers', value: [{ kind: 'text', text: '116' }] }] },
    {
      kind: 'list',
      items: [
        [
          { kind: 'code', text: 'help' },
          { kind: 'text', text: ' — list commands' },
        ],
      ],
    },
    { kind: 'paragraph', text: [{ kind: 'link', text: 'the repo', url: 'https://example.org/x' }] },
  ],
  paging: {
    page: 1,
    pages: 3,
    total: 12,
    perPage: 5,
    next: { id: 'next', label: 'Next ▶', command: 'search kv cache --page 2' },
  },
};

describe('renderText', () => {
  it('renders headings, cards, highlights, links, fields, lists and paging as plain text', () => {
    const out = renderText(reply);
    expect(out).toContain('Results for “kv cache”');
    expect(out).toContain('1. SnapKV: LLM Knows What You are Looking for Before Generation');
    expect(out).toContain('…minimizes KV cache size…');
    expect(out).toContain('▸ 3.6x increase in generation speed · 8.2x enhancement in memory efficiency');
    expect(out).toContain('code: https://github.com/FasterDecoding/SnapKV');
    expect(out).toContain('show snapkv-llm-knows');
    expect(out).toMatch(/Papers:\s+116/);
    expect(out).toContain('• help — list commands');
    expect(out).toContain('the repo (https://example.org/x)');
    expect(out).toContain('Page 1 of 3');
    expect(out).toContain('search kv cache --page 2');
    expect(out).not.toContain('\x1b');
  });
  it('wraps to the width', () => {
    const out = renderText(reply, { width: 50 });
    for (const line of out.split('\n')) {
      // A single unbreakable word (a URL) may exceed the width; nothing else does.
      if (!/https?:\/\//.test(line)) expect([...line].length, line).toBeLessThanOrEqual(50);
    }
  });
  it('colours marks and bold on a TTY', () => {
    const out = renderText(reply, { color: true });
    expect(out).toContain('\x1b[1;33mKV\x1b[22;39m');
  });
  it('strips terminal escapes and control characters from data', () => {
    expect(sanitize('a\x1b[31mred\x1b[0m\u0007b')).toBe('aredb');
    const hostile: Reply = { tone: 'ok', summary: 'x', blocks: [{ kind: 'heading', text: 'evil\x1b]0;title\x07\x1b[2J' }] };
    expect(renderText(hostile)).not.toMatch(/[\x00-\x08\x1b]/);
  });
  it('falls back to the summary for a reply without blocks', () => {
    expect(renderText({ tone: 'info', summary: 'Nothing here', blocks: [] })).toBe('Nothing here');
  });

  describe('command hints', () => {
    const serving: Reply = {
      tone: 'info',
      summary: 'Which one?',
      blocks: [
        { kind: 'paragraph', text: [{ kind: 'text', text: '“llm serving” matches 2 papers. Which one?' }] },
        {
          kind: 'actions',
          actions: [
            { id: 'show:burstgpt', label: 'BurstGPT', command: 'show burstgpt' },
            { id: 'show:efficientllm', label: 'EfficientLLM', command: 'show efficientllm' },
            { id: 'search-instead', label: 'Search “llm serving”', command: 'search llm serving' },
          ],
        },
      ],
    };

    it('prints one button hint per line, never two run together', () => {
      const lines = renderText(serving).split('\n');
      expect(lines).toContain('BurstGPT › show burstgpt');
      expect(lines).toContain('EfficientLLM › show efficientllm');
      expect(lines).toContain('Search “llm serving” › search llm serving');
      expect(lines.filter((l) => l.includes('›'))).toHaveLength(3);
    });

    it('keeps a long hint whole on its own lines when wrapped', () => {
      const long: Reply = {
        tone: 'info',
        summary: 'x',
        blocks: [
          {
            kind: 'actions',
            actions: [
              { id: 'a', label: 'A rather long label for a button', command: 'show a-very-long-paper-id-that-goes-on-and-on-for-quite-a-while' },
              { id: 'b', label: 'Other', command: 'show other' },
            ],
          },
        ],
      };
      const lines = renderText(long, { width: 50 }).split('\n');
      expect(lines[0]!.startsWith('A rather long label')).toBe(true);
      expect(lines.at(-1)).toBe('Other › show other');
      for (const l of lines.slice(1, -1)) expect(l.startsWith('    ')).toBe(true);
    });

    it('does not repeat a hint whose command the reply already prints (a candidate list)', () => {
      const withList: Reply = {
        ...serving,
        blocks: [
          serving.blocks[0]!,
          {
            kind: 'list',
            items: [
              [
                { kind: 'strong', text: 'BurstGPT' },
                { kind: 'text', text: ' · ' },
                { kind: 'code', text: 'show burstgpt' },
              ],
            ],
          },
          serving.blocks[1]!,
        ],
      };
      const out = renderText(withList);
      expect(out.match(/show burstgpt/g)).toHaveLength(1);
      expect(out).toContain('EfficientLLM › show efficientllm');
      expect(out).toContain('Search “llm serving” › search llm serving');
    });

    it("puts a card's hints on one line when they fit, and never splits one across lines", () => {
      const out = renderText(reply);
      expect(out).toContain('   show snapkv-llm-knows · similar snapkv-llm-knows');
      const id = 'no-token-left-behind-reliable-kv-cache-compression-via-importance-aware-18crmmi';
      const card: Reply = {
        tone: 'ok',
        summary: 'x',
        blocks: [
          {
            kind: 'paper',
            paper: {
              id,
              title: 'No Token Left Behind',
              rank: 1,
              links: [],
              highlights: [],
              actions: [
                { id: 'abstract', label: 'Abstract', command: `show ${id}` },
                { id: 'similar', label: 'Similar', command: `similar ${id}` },
              ],
            },
          },
        ],
      };
      const lines = renderText(card, { width: 100 }).split('\n');
      expect(lines).toContain(`   show ${id}`);
      expect(lines).toContain(`   similar ${id}`);
    });

    it('prints the page and each paging hint on lines of their own', () => {
      const paged: Reply = {
        ...reply,
        paging: {
          page: 2,
          pages: 3,
          total: 12,
          perPage: 5,
          prev: { id: 'prev', label: '◀ Previous', command: 'search kv cache' },
          next: { id: 'next', label: 'Next ▶', command: 'search kv cache --page 3' },
        },
      };
      const lines = renderText(paged).split('\n');
      expect(lines.slice(-3)).toEqual(['Page 2 of 3', '◀ Previous › search kv cache', 'Next ▶ › search kv cache --page 3']);
    });
  });

  it('marks a post with what it is: a scheduled post, a watch alert, or (kind unknown) a post', () => {
    const digest: Reply = { tone: 'ok', summary: 'x', blocks: [{ kind: 'heading', text: 'Paper digest' }] };
    expect(postText(digest, { kind: 'schedule' })).toBe('── scheduled post ──\nPaper digest');
    const watch: Watch = { id: 'w-3f9a', platform: 'shell', channelId: 'shell', personal: false, query: 'kv cache', createdAt: new Date(0), paused: false };
    const alert = postText(alertPost(watch, 7, []), { kind: 'watch' });
    expect(alert.split('\n')[0]).toBe('── watch alert ──');
    expect(alert).not.toMatch(/scheduled/i);
    expect(postText(digest)).toBe('── post ──\nPaper digest');
    expect(postText(digest, { kind: 'watch', color: true }).startsWith('\x1b[2m── watch alert ──\x1b[22m\n')).toBe(true);
  });
});

describe('renderExport: a reply that exports text, split for a redirected stdout', () => {
  const cite: Reply = {
    tone: 'ok',
    summary: 'BibTeX for your reading list: 2 entries',
    blocks: [
      { kind: 'heading', text: 'BibTeX for your reading list' },
      { kind: 'note', text: [{ kind: 'text', text: '2 entries' }] },
      { kind: 'code', text: '@misc{a,\n  title = {A\u0007 \x1b[2Jtitle}\n}\n\n', language: 'bibtex' },
      { kind: 'code', text: '@misc{b,\r\n  title = {B}\r\n}', language: 'bibtex' },
      { kind: 'note', text: [{ kind: 'text', text: 'Left out: 1 paper' }] },
    ],
  };
  it('the code blocks alone (control characters gone, CRLF made LF) for the file; the rest for the person', () => {
    const split = renderExport(cite)!;
    expect(split.data).toBe('@misc{a,\n  title = {A title}\n}\n\n@misc{b,\n  title = {B}\n}');
    expect(split.rest).toBe('BibTeX for your reading list\n2 entries\nLeft out: 1 paper');
    expect(split.data).not.toMatch(/reading list|entries|Left out/);
  });
  it('a reply without a code block is not an export', () => {
    expect(renderExport(reply)).toBeUndefined();
  });
  it('a reply that is only its export still says what it is, from its summary', () => {
    expect(renderExport({ tone: 'ok', summary: 'BibTeX for SnapKV', blocks: [{ kind: 'code', text: '@misc{s,\n}' }] })).toEqual({
      data: '@misc{s,\n}',
      rest: 'BibTeX for SnapKV',
    });
  });
});
