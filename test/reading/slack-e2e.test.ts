/**
 * Reading lists through the real Bolt app in HTTP mode against the fake Slack Web API: `/papers
 * save`, `saved`, `cite`, and the Save button on a paper, clicked on a private and a public message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { limitViolations, pings } from '../slack/check-limits.ts';
import {
  FORM,
  JSON_T,
  actionBody,
  buttonsOf,
  eventBody,
  expectNoRejections,
  handlerActivity,
  post,
  slash as slashAs,
  startHttp,
  type HttpHarness,
  type Msg,
} from '../slack/harness.ts';
import { parseBibtex } from './helpers.ts';

const handlers = handlerActivity();

let h: HttpHarness;
let reading: Reading;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-reading-slack-'));
  const paperboy = await newTestPaperboy();
  reading = startReading({ paperboy, logger: silentLogger(), store: SqliteReadingListStore.open(join(dir, 'state.db')) });
  h = await startHttp({ paperboy });
});
afterAll(async () => {
  await h.stop();
  await reading.store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => h.api.reset());
expectNoRejections(() => h.api);

/** `/papers <text>` as a user; the ephemeral answer posted to the response_url, checked for limits and pings. */
async function slash(text: string, user = 'U0001'): Promise<Msg> {
  const msg = await slashAs(h, text, { user_id: user });
  expect(limitViolations(msg)).toEqual([]);
  expect(pings(msg)).toEqual([]);
  return msg;
}

const sectionTexts = (msg: Msg) =>
  (msg.blocks as { type: string; text?: { text: string } }[]).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

describe('Slack: reading lists and citations', () => {
  it('/papers save snapkv, again, /papers saved, /papers cite snapkv', async () => {
    const saved = await slash('save snapkv');
    expect(saved.response_type).toBe('ephemeral');
    expect(saved.text).toBe('Saved SnapKV to your reading list (1 paper).');
    // A confirmation about one's own list has nothing worth posting to the channel.
    expect(buttonsOf(saved.blocks).some((b) => b.action_id === 'pb:share')).toBe(false);
    expect((await slash('save snapkv')).text).toMatch(/^SnapKV is already in your reading list/);

    const list = await slash('saved');
    expect(list.text).toBe('Your reading list: 1 paper');
    expect(JSON.stringify(list.blocks)).toContain('SnapKV: LLM Knows What You are Looking for Before Generation');
    const buttons = buttonsOf(list.blocks);
    expect(buttons.find((b) => b.text === 'Unsave')).toMatchObject({ value: 'unsave snapkv', action_id: expect.stringMatching(/^pb:me:/) });
    expect(buttons.find((b) => b.text === 'Cite')).toMatchObject({ value: 'cite snapkv' });

    const cite = await slash('cite snapkv');
    expect(cite.text).toBe('BibTeX for SnapKV');
    const [codeSection] = sectionTexts(cite).filter((t) => t.startsWith('```'));
    expect(codeSection).toMatch(/^```\n@misc\{snapkv,[\s\S]*\n```$/);
    const [entry] = parseBibtex(codeSection!.slice(4, -4));
    expect(entry).toMatchObject({ type: 'misc', key: 'snapkv', fields: { note: 'Authors unknown' } });
    // Worth sharing: the channel gets the same entry.
    expect(buttonsOf(cite.blocks).some((b) => b.action_id === 'pb:share')).toBe(true);
  });

  it('/papers save 2 after a search saves its second result; a bad number says why', async () => {
    const user = 'U0003';
    const results = await slash('search kv cache compression', user);
    const second = JSON.stringify(results.blocks).match(/2\. \*([^*]+)\*/)?.[1];
    expect(second).toBe('No Token Left Behind: Reliable KV Cache Compression via Importance-Aware Mixed Precision Quantization');
    const saved = await slash('save 2', user);
    expect(saved.text).toMatch(/^Saved .+ to your reading list \(1 paper\)\.$/);
    expect((await slash('save 42', user)).text).toBe('No result 42: the last list shows results 1–5.');
    const list = await slash('saved', user);
    expect(JSON.stringify(list.blocks)).toContain(second!.slice(0, 30));
    // Now the reading list is the last list: numbers refer to it.
    expect((await slash('save 42', user)).text).toBe('No result 42: the last list shows result 1.');
    expect((await slash('saved', 'U0777')).text).toBe('Your reading list is empty.');
  });

  it('Save on a private show reply saves for the clicker and answers privately', async () => {
    const shown = await slash('show zipcache', 'U0002');
    const save = buttonsOf(shown.blocks).find((b) => b.text === 'Save')!;
    expect(save).toMatchObject({ value: 'save zipcache', action_id: expect.stringMatching(/^pb:me:/) });
    const before = h.api.responses.length;
    // actionBody clicks as U0002.
    await post(h.base, actionBody(h.api, save, { ephemeral: true }).body, FORM);
    await h.api.waitFor(() => h.api.responses.length === before + 1);
    const answer = h.api.responses[before]!.body as unknown as Msg;
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Saved ZipCache to your reading list (1 paper).' });
    expect(limitViolations(answer)).toEqual([]);
    expect((await slash('saved', 'U0002')).text).toBe('Your reading list: 1 paper');
  });

  it('Save on a public answer in a channel answers only the clicker: nothing is posted to the channel', async () => {
    const ev = { type: 'app_mention', user: 'U0042', text: '<@UBOT0001> show snapkv', ts: '1700100000.000100', channel: 'C0042', team: 'T0001' };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const answer = h.api.callsTo('chat.postMessage')[0]!.args as unknown as Msg;
    const save = buttonsOf(answer.blocks).find((b) => b.text === 'Save')!;
    expect(save.value).toBe('save snapkv');
    const before = h.api.responses.length;
    await post(
      h.base,
      actionBody(h.api, save, { ephemeral: false, channel: 'C0042', messageTs: '1700100000.000200', threadTs: '1700100000.000100' }).body,
      FORM,
    );
    await h.api.waitFor(() => h.api.responses.length === before + 1);
    expect(h.api.responses[before]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(h.api.responses[before]!.body['text'])).toMatch(/SnapKV/);
    await handlers.idle();
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
    // The clicker (U0002), not the person who asked (U0042), has it now.
    expect((await slash('saved', 'U0042')).text).toBe('Your reading list is empty.');
    expect(JSON.stringify((await slash('saved', 'U0002')).blocks)).toContain('SnapKV');
  });
});
