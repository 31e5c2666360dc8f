/**
 * Every kind of damage to DATA_DIR/state.db ends the same way: the documented "corrupt: move it
 * aside" message and exit code 2, never a raw SqliteError stack trace. Page-level damage is the
 * case the open-time checks miss (the paper store skips the whole-file check, which is slow on a
 * big library): it surfaces when the first query reads a damaged page.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { ROOT, removeTempDirs, runCli, tempDataDir } from '../ingest/helpers.ts';

afterAll(() => removeTempDirs());

function paper(i: number): Paper {
  const id = `2611.${String(10000 + i)}`;
  return {
    id,
    arxivId: id,
    title: `Stored Paper ${i} on Cache Compression`,
    // Text that does not compress away (records are stored deflated): the file spans many pages.
    abstract: `We study cache compression, variant ${i}: ${Array.from({ length: 24 }, (_, k) => createHash('sha256').update(`${i}.${k}`).digest('base64')).join(' ')}.`,
    aliases: [],
    links: [],
    highlights: [],
    published: '2026-11-27',
    sources: [{ feed: 'arxiv', date: '2026-11-27' }],
  };
}

/** A state.db with a few hundred papers (many pages), closed cleanly. */
async function library(): Promise<string> {
  const dir = tempDataDir();
  const store = SqlitePaperStore.open(join(dir, 'state.db'));
  await store.upsertBatch(Array.from({ length: 400 }, (_, i) => paper(i)));
  await store.close();
  return dir;
}

/** The page size of an SQLite file, from its header (big-endian at byte 16; 1 stands for 65536). */
function pageSizeOf(file: string): number {
  const size = readFileSync(file).readUInt16BE(16);
  return size === 1 ? 65536 : size;
}

/** Overwrite whole pages in the middle of the file with fixed garbage (the header page stays intact). */
function damagePages(file: string, pages: readonly number[], pageSize = pageSizeOf(file)): void {
  const fd = openSync(file, 'r+');
  try {
    for (const p of pages) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, p * pageSize);
  } finally {
    closeSync(fd);
  }
}

const documented = /state database .*state\.db is corrupt or not a Paperboy database .*Move it aside.*watches, votes and reading lists/s;

describe('a state.db with damaged pages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await library();
    const file = join(dir, 'state.db');
    const pages = Math.floor(statSync(file).size / pageSizeOf(file));
    expect(pages).toBeGreaterThan(20);
    // Data pages only: the schema (page 1 and the first table roots) is intact, so opening succeeds.
    damagePages(file, [Math.floor(pages / 3), Math.floor(pages / 2), pages - 2]);
  });

  it('the CLI prints the documented message and exits 2, with no stack trace', async () => {
    const r = await runCli(['search', 'cache', 'compression'], { DATA_DIR: dir });
    expect(r.err).toMatch(documented);
    expect(r.err).not.toMatch(/SqliteError|\n\s+at /);
    expect(r.code).toBe(2);
  });

  it('the bot (npm start, here in shell mode) prints it and exits 2 before it starts', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    for (const k of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'PAPERBOY_CONFIG', 'PAPERS_PATH']) delete env[k];
    const r = spawnSync(process.execPath, ['scripts/run.mjs', 'main'], { cwd: ROOT, env, input: '', encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toMatch(documented);
    expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
    expect(r.status).toBe(2);
  });

  it('`--batch` does the same', async () => {
    const r = await runCli(['--batch'], { DATA_DIR: dir }, { input: 'search cache\nstats\n' });
    expect(r.err).toMatch(documented);
    expect(r.code).toBe(2);
  });
});

describe('a state.db whose header is damaged', () => {
  it('gets the same message and exit code', async () => {
    const dir = await library();
    damagePages(join(dir, 'state.db'), [0], 100);
    const r = await runCli(['search', 'cache'], { DATA_DIR: dir });
    expect(r.err).toMatch(documented);
    expect(r.code).toBe(2);
  });
});
