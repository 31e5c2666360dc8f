/** The code block and the personal Save button in every renderer: terminal, Slack, Discord. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenceSafe as discordFenceSafe } from '../../adapters/discord/code-block.ts';
import { renderDiscord, type CustomIdFor } from '../../adapters/discord/render.ts';
import { parseActionId } from '../../adapters/slack/action-ids.ts';
import { codeSections } from '../../adapters/slack/code-block.ts';
import { renderSlack } from '../../adapters/slack/render.ts';
import { span, type Block, type Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { bibtexEntries } from '../../src/reading/bibtex.ts';
import { limitViolations as discordViolations, allText } from '../discord/check-limits.ts';
import { testCard } from '../helpers/cards.ts';
import { buttonsOf } from '../slack/harness.ts';
import { limitViolations as slackViolations, pings } from '../slack/check-limits.ts';
import { paper } from './helpers.ts';

const ZWSP = '\u200B';
const code = (text: string, language = 'bibtex'): Reply => ({
  tone: 'ok',
  summary: 'BibTeX',
  blocks: [
    { kind: 'heading', text: 'BibTeX' },
    { kind: 'code', text, language },
    { kind: 'note', text: [span.text('Citation key x.')] },
  ],
});

const entry = bibtexEntries([
  paper({
    id: '2404.14469',
    arxivId: '2404.14469',
    title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
    authors: ['Yuhong Li', 'Yingbing Huang'],
    published: '2024-04-22',
    categories: ['cs.CL'],
  }),
])[0]!.text;

/** A long export: `n` entries with long author lists. */
function longExport(n: number): string {
  const papers = Array.from({ length: n }, (_, i) =>
    paper({
      id: `paper-${i}`,
      title: `Paper ${i}: on the {caching} of keys & values at 100% speed`,
      authors: Array.from({ length: 12 }, (_, j) => `Author${j} Person${i}`),
    }),
  );
  return bibtexEntries(papers)
    .map((e) => e.text)
    .join('\n\n');
}

const HOSTILE_CODE = 'title = {```} <!channel> <@U123> @everyone & <https://x.test|y>\n```\nnot code any more?\n`` ` ````';

describe('terminal text', () => {
  it('prints a code block line for line, unwrapped, so it copies exactly', () => {
    const long = `  url = {https://example.org/${'a'.repeat(150)}}`;
    const out = renderText(code(`${entry}\n${long}`), { width: 60 });
    expect(out).toContain(entry);
    expect(out.split('\n')).toContain(long);
  });

  it('removes control characters and terminal escapes from code', () => {
    const out = renderText(code('a\x1b[31mred\x1b[0m\u0007b\tc'));
    expect(out).toContain('aredb  c');
    expect(out).not.toMatch(/[\x00-\x08\x1b]/);
  });
});

describe('Slack', () => {
  it('renders a code block as a fenced section, with & < > escaped and fences unbreakable', () => {
    const msg = renderSlack(code(HOSTILE_CODE));
    expect(slackViolations(msg)).toEqual([]);
    expect(pings(msg)).toEqual([]);
    const sections = msg.blocks.filter((b) => b.type === 'section').map((b) => (b as { text: { text: string } }).text.text);
    expect(sections).toHaveLength(1);
    const s = sections[0]!;
    expect(s.startsWith('```\n') && s.endsWith('\n```')).toBe(true);
    // Inside the fences there is no run of backticks left to close them early.
    expect(s.slice(4, -4)).not.toMatch(/``/);
    expect(s).toContain('&lt;!channel&gt; &lt;@U123&gt; @everyone &amp; &lt;https://x.test|y&gt;');
    expect(s.replaceAll(ZWSP, '')).toContain('title = {```}');
  });

  it('splits a long code block between lines into sections of at most 3000 characters', () => {
    const text = longExport(20);
    expect(text.length).toBeGreaterThan(6000);
    const msg = renderSlack(code(text));
    expect(slackViolations(msg)).toEqual([]);
    const sections = msg.blocks.filter((b) => b.type === 'section').map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.length).toBeGreaterThan(2);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(3000);
      expect(s.startsWith('```\n') && s.endsWith('\n```')).toBe(true);
    }
    // Nothing lost, nothing reordered: the sections joined are the text (escaped).
    const joined = sections.map((s) => s.slice(4, -4)).join('\n');
    expect(joined).toBe(text.replaceAll('&', '&amp;'));
  });

  it('splits a line longer than a section, and never breaks an escape', () => {
    // 4000 × `&amp;` is 20,000 characters: 7 sections of at most 2992 inside the fences.
    const sections = codeSections('&'.repeat(4000), 3000);
    expect(sections.length).toBe(7);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(3000);
      expect(s.slice(4, -4)).toMatch(/^(&amp;)+$/);
    }
    expect(codeSections('', 3000)).toEqual([]);
    expect(codeSections('\n\n  \n', 3000)).toEqual([]);
  });

  it('cuts an export too long for one message visibly, whole sections only', () => {
    const msg = renderSlack(code(longExport(60)));
    expect(slackViolations(msg)).toEqual([]);
    const texts = msg.blocks.flatMap((b) => (b.type === 'section' ? [(b as { text: { text: string } }).text.text] : []));
    for (const t of texts) expect(t.startsWith('```\n') && t.endsWith('\n```')).toBe(true);
    expect(JSON.stringify(msg.blocks)).toMatch(/cut to fit Slack's message size limit/);
  });

  it('renders any code text within the limits, with no pings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8000 }), (text) => {
        const msg = renderSlack(code(text));
        return slackViolations(msg).length === 0 && pings(msg).length === 0;
      }),
      { numRuns: 200 },
    );
  });

  it('a personal action (Save) answers only the clicker: its action id asks for an ephemeral answer', () => {
    const card = testCard(1, {
      actions: [
        { id: 'similar:p', label: 'Similar', command: 'similar p' },
        { id: 'save:p', label: 'Save', command: 'save p', personal: true },
      ],
    });
    const msg = renderSlack({ tone: 'ok', summary: 's', blocks: [{ kind: 'paper', paper: card }] });
    const buttons = buttonsOf(msg.blocks);
    const save = buttons.find((b) => b.text === 'Save')!;
    expect(save.value).toBe('save p');
    expect(parseActionId(save.action_id)).toEqual({ delivery: 'ephemeral' });
    expect(parseActionId(buttons.find((b) => b.text === 'Similar')!.action_id)).toEqual({ delivery: 'reply' });
    expect(slackViolations(msg)).toEqual([]);
  });
});

describe('Discord', () => {
  const ids = (): CustomIdFor => {
    let n = 0;
    return (a, mode) => `${mode}:${n++}:${a.command}`.slice(0, 100);
  };

  it('renders a code block as a ```bibtex fence in the embed, fences unbreakable', () => {
    const msg = renderDiscord(code(`${entry}\n${HOSTILE_CODE}`), { customId: ids() });
    expect(discordViolations(msg)).toEqual([]);
    const text = allText(msg);
    expect(text).toContain('```bibtex\n@misc{li2024snapkv,\n  title = {{SnapKV}');
    // Exactly one opening and one closing fence: the content's backticks cannot make more.
    expect(text.match(/```/g)).toHaveLength(2);
    expect(discordFenceSafe('````')).toBe(['`', '`', '`', '`'].join(ZWSP));
  });

  it('a language that is not a plain word is left out of the fence', () => {
    const msg = renderDiscord(code('x = 1', 'js\n**bold**'), { customId: ids() });
    expect(allText(msg)).toContain('```\nx = 1\n```');
  });

  it('splits a long code block into several fenced embeds within every limit', () => {
    const text = longExport(13);
    expect(text.length).toBeGreaterThan(4096);
    expect(text.length).toBeLessThan(5800);
    const msg = renderDiscord(code(text), { customId: ids() });
    expect(discordViolations(msg)).toEqual([]);
    const fenced = msg.embeds.map((e) => e.description ?? '').filter((d) => d.includes('```bibtex'));
    expect(fenced.length).toBeGreaterThan(1);
    for (const d of fenced) expect(d.match(/```/g)!.length % 2).toBe(0);
    const inside = fenced.map((d) => /```bibtex\n([\s\S]*?)\n```/.exec(d)![1]).join('\n');
    expect(inside).toBe(text);
  });

  it('cuts what does not fit one message visibly, fences kept', () => {
    const msg = renderDiscord(code(longExport(40)), { customId: ids() });
    expect(discordViolations(msg)).toEqual([]);
    const descriptions = msg.embeds.map((e) => e.description ?? '');
    for (const d of descriptions) expect((d.match(/```/g) ?? []).length % 2).toBe(0);
    expect(descriptions.join('\n')).toContain('\n…\n```');
  });

  it('renders any code text within the limits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 9000 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (text, language) => {
        const blocks: Block[] = [{ kind: 'code', text, ...(language !== undefined ? { language } : {}) }];
        const msg = renderDiscord({ tone: 'ok', summary: 's', blocks }, { customId: ids() });
        return discordViolations(msg).length === 0 && msg.embeds.every((e) => ((e.description ?? '').match(/```/g) ?? []).length % 2 === 0);
      }),
      { numRuns: 200 },
    );
  });

  it('a Save button fits the button limits and answers privately', () => {
    const card = testCard(1, {
      actions: [
        { id: 'similar:p', label: 'Similar', command: 'similar p' },
        { id: 'save:p', label: 'Save', command: 'save p', personal: true },
      ],
    });
    const msg = renderDiscord({ tone: 'ok', summary: 's', blocks: [{ kind: 'paper', paper: card }] }, { customId: ids() });
    expect(discordViolations(msg)).toEqual([]);
    const save = msg.components.flatMap((r) => r.components).find((b) => 'label' in b && b.label === 'Save');
    expect(save && 'custom_id' in save ? save.custom_id : '').toMatch(/^ephemeral:\d+:save p$/);
  });
});
