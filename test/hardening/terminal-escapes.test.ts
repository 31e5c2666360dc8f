/**
 * Paper data never reaches a terminal as escape sequences: a source's titles and authors are
 * cleaned when they are ingested, and the text renderer cleans everything it prints (papers
 * stored before the ingest cleaning included). The hostile strings are the security review's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { stripTerminalControls } from '../../src/text/control.ts';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';
import { testCard } from '../helpers/cards.ts';
import { removeTempDirs, runCli, tempDataDir } from '../ingest/helpers.ts';

const HOSTILE_TITLE = 'AnsiPaper \u001b]0;PWNED\u0007 \u001b[2J\u001b[31mRED \u009b31m';
const HOSTILE_AUTHOR = 'Eve\u001b[1m';
const BIDI = 'Trojan \u202eevil\u202c Source';

/** Any byte a terminal would act on: ESC, BEL, C0 (but tab and LF), DEL, C1, bidi controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

afterAll(() => removeTempDirs());

describe('stripTerminalControls', () => {
  it('removes whole escape sequences (OSC, CSI, 8-bit CSI), not just their ESC', () => {
    expect(stripTerminalControls(HOSTILE_TITLE)).toBe('AnsiPaper  RED ');
    expect(stripTerminalControls(HOSTILE_AUTHOR)).toBe('Eve');
    expect(stripTerminalControls(BIDI)).toBe('Trojan evil Source');
  });
  it('keeps what titles legitimately need: accents, CJK, emoji, zero-width joiners, tabs and newlines', () => {
    const fine = 'Café — 注意力 👩‍💻 x\ty\nz';
    expect(stripTerminalControls(fine)).toBe(fine);
  });
  it('drops an unterminated OSC’s introducer only: the text after it is kept', () => {
    expect(stripTerminalControls('a \u001b]0;title b')).toBe('a 0;title b');
  });
});

describe('the text renderer prints no control sequence it did not make itself', () => {
  const card = testCard(1, {
    title: HOSTILE_TITLE,
    byline: `${HOSTILE_AUTHOR} · 2026-11-27`,
    tldr: BIDI,
    abstract: `Abstract \u001b[5mblink\u001b[0m and a bell \u0007.`,
    highlights: ['3x \u001b[8mhidden\u001b[28m'],
    links: [{ kind: 'code', url: 'https://example.com/\u001b[2Jrepo' }],
    actions: [{ id: 'show:x', label: 'Show \u001b[31m', command: 'show \u001b]8;;https://evil.example\u001b\\x\u001b]8;;\u001b\\' }],
  });
  const reply: Reply = {
    tone: 'info',
    summary: `About ${HOSTILE_TITLE}`,
    blocks: [
      { kind: 'heading', text: `Heading ${HOSTILE_TITLE}` },
      { kind: 'paper', paper: card },
      { kind: 'paragraph', text: [{ kind: 'text', text: `by ${HOSTILE_AUTHOR}` }] },
      { kind: 'fields', fields: [{ label: 'Author\u001b[2J', value: [{ kind: 'text', text: HOSTILE_AUTHOR }] }] },
      { kind: 'code', text: `code \u001b[2J line` },
    ],
  };

  it('without colour: no escape, control or bidi character at all', () => {
    const out = renderText(reply, { color: false, width: 100 });
    expect(out).toContain('AnsiPaper');
    expect(out).not.toMatch(CONTROLS);
  });

  it('with colour: every escape sequence is one of the renderer’s own SGR colours', () => {
    const out = renderText(reply, { color: true, width: 100 });
    const withoutOwn = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(withoutOwn).not.toMatch(CONTROLS);
    expect(out).not.toContain('\u001b]');
    expect(out).not.toContain('\u001b[2J');
  });
});

describe('a hostile paper from a source, through the real CLI', () => {
  const fake = new FakeHf();
  let dataDir: string;
  let hfUrl: string;

  beforeAll(async () => {
    hfUrl = await fake.start();
    dataDir = tempDataDir();
    fake.setDay('2026-11-27', [
      hfItem({ id: '2611.06660', title: HOSTILE_TITLE, authors: [HOSTILE_AUTHOR, 'Mallory\u009b2J'], aiSummary: `TL;DR ${BIDI}`, keywords: ['kv\u001b[31m'] }),
    ]);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('ingest stores it clean, and show and search print no escape sequence', async () => {
    const env = { DATA_DIR: dataDir, HF_API_URL: hfUrl };
    const ingested = await runCli(['ingest', 'hf', '--date', '2026-11-27', '--json'], env);
    expect(ingested.code).toBe(0);

    const json = await runCli(['show', '2611.06660', '--json'], env);
    const paper = JSON.parse(json.out) as { title: string; authors: string[]; summary: string; keywords: string[] };
    expect(paper.title).toBe('AnsiPaper RED');
    expect(paper.authors).toEqual(['Eve', 'Mallory']);
    expect(paper.summary).toBe('TL;DR Trojan evil Source');
    expect(paper.keywords).toEqual(['kv']);

    for (const args of [
      ['show', '2611.06660'],
      ['search', 'AnsiPaper'],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toContain('AnsiPaper');
      expect(r.out, args.join(' ')).not.toMatch(CONTROLS);
    }
  });

  it('a hostile record already in the store (ingested before cleaning) prints clean too', async () => {
    const dir = tempDataDir();
    mkdirSync(dir, { recursive: true });
    const store = SqlitePaperStore.open(join(dir, 'state.db'));
    const paper = {
      id: '2611.07770',
      arxivId: '2611.07770',
      title: HOSTILE_TITLE,
      abstract: 'An abstract about stored escapes \u001b[2J and caches.',
      aliases: [],
      links: [],
      highlights: [],
      authors: [HOSTILE_AUTHOR],
      published: '2026-11-27',
      sources: [{ feed: 'hf' as const, date: '2026-11-27' }],
    };
    await store.upsertBatch([paper]);
    await store.close();
    for (const args of [
      ['show', '2611.07770'],
      ['search', 'stored escapes'],
    ]) {
      const r = await runCli(args, { DATA_DIR: dir });
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      expect(r.out).toContain('AnsiPaper');
      expect(r.out, args.join(' ')).not.toMatch(CONTROLS);
    }
  });
});
