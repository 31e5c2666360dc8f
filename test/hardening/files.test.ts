/**
 * Files Paperboy reads and writes, as an unlucky operator meets them: a config, topics or page
 * path that names a named pipe (which used to hang start-up forever), a config file far too large,
 * and the privacy of what it creates in DATA_DIR.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScheduleConfig, MAX_CONFIG_BYTES } from '../../src/app/config-file.ts';
import { logFile } from '../../src/app/logger.ts';
import { FileReadError, readRegularFile } from '../../src/files/read-file.ts';
import { loadTopics } from '../../src/library/topics.ts';
import { listPageFiles, loadPageFiles } from '../../src/sources/page-files.ts';
import { ScheduleConfigError } from '../../src/schedule/errors.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { removeTempDirs, runCli, tempDataDir, type CliEnv } from '../ingest/helpers.ts';

afterAll(() => removeTempDirs());

/** A named pipe nobody writes to: opening it for reading the ordinary way blocks forever. */
function fifo(dir: string, name = 'pipe'): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const ctx = { topics: [], now: new Date('2026-12-01T00:00:00Z') };
const mode = (path: string) => statSync(path).mode & 0o777;

describe('named pipes are refused at once, never read', () => {
  it('readRegularFile says what the path is instead of blocking on it', async () => {
    const path = fifo(tempDataDir());
    const err = await readRegularFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileReadError);
    expect((err as FileReadError).code).toBe('not-regular');
    expect((err as Error).message).toBe(`${path}: is a named pipe (FIFO), not a regular file`);
  });

  it('PAPERBOY_CONFIG: the config loader refuses it, and the CLI lists it as a configuration problem (exit 2)', async () => {
    const dir = tempDataDir();
    const path = fifo(dir, 'paperboy.config.json');
    await expect(loadScheduleConfig(path, ctx)).rejects.toBeInstanceOf(ScheduleConfigError);
    await expect(loadScheduleConfig(path, ctx)).rejects.toThrow(/is a named pipe \(FIFO\), not a regular file\. PAPERBOY_CONFIG must name a JSON config file/);
    const r = await runCli(['schedule', 'list'], { DATA_DIR: join(dir, 'data'), PAPERBOY_CONFIG: path } as CliEnv);
    expect(r.err).toContain(`PAPERBOY_CONFIG: "${path}" is a named pipe (FIFO); it should name a config file`);
    expect(r.code).toBe(2);
  });

  it('TOPICS_PATH and PAPERS_PATH: the same', async () => {
    const dir = tempDataDir();
    const pipe = fifo(dir);
    await expect(loadTopics(pipe)).rejects.toThrow(/is a named pipe \(FIFO\), not a regular file/);
    await expect(listPageFiles(pipe)).rejects.toThrow(/is a named pipe \(FIFO\): give a page file or a folder of page files/);
    for (const key of ['TOPICS_PATH', 'PAPERS_PATH']) {
      const r = await runCli(['stats'], { DATA_DIR: join(dir, 'data'), [key]: pipe });
      expect(r.err, key).toContain(`${key}: "${pipe}" is a named pipe (FIFO)`);
      expect(r.code, key).toBe(2);
    }
  });

  it('a named pipe called *.txt inside a folder of page files is refused, not read', async () => {
    const dir = tempDataDir();
    const pages = join(dir, 'pages');
    mkdirSync(pages);
    const pipe = fifo(pages, 'b.txt');
    const files = await listPageFiles(pages);
    expect(files).toEqual([pipe]);
    await expect(loadPageFiles(files)).rejects.toThrow(/page file .*b\.txt: is a named pipe \(FIFO\), not a regular file/);
  });
});

describe('a config file over the size cap', () => {
  it('is refused with its size and the cap, before it is parsed', async () => {
    const path = join(tempDataDir(), 'big.json');
    writeFileSync(path, `{"schedules": [], "x": "${'a'.repeat(MAX_CONFIG_BYTES)}"}`);
    await expect(loadScheduleConfig(path, ctx)).rejects.toThrow(/big\.json: is 1\.0 MB; at most 1\.0 MB is read\. PAPERBOY_CONFIG must name/);
  });
  it('a config file just under the cap is read', async () => {
    const path = join(tempDataDir(), 'fine.json');
    writeFileSync(path, '{"schedules": []}');
    await expect(loadScheduleConfig(path, ctx)).resolves.toMatchObject({ schedules: [] });
  });
});

describe('what Paperboy creates in DATA_DIR is private to its owner', () => {
  it('a new DATA_DIR is 0700 and a new state.db (and its WAL files) 0600, whatever the umask', async () => {
    const dir = join(tempDataDir(), 'nested', 'data');
    const previous = process.umask(0o002);
    let store: SqlitePaperStore;
    try {
      store = SqlitePaperStore.open(join(dir, 'state.db'));
    } finally {
      process.umask(previous);
    }
    await store.upsertBatch([]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'state.db'))).toBe(0o600);
    for (const f of ['state.db-wal', 'state.db-shm']) if (existsSync(join(dir, f))) expect(mode(join(dir, f)), f).toBe(0o600);
    await store.close();
  });

  it('an existing state.db keeps its mode (nothing is changed behind the owner’s back)', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'state.db'), '', { mode: 0o640 });
    const store = SqlitePaperStore.open(join(dir, 'state.db'));
    expect(mode(join(dir, 'state.db'))).toBe(0o640);
    await store.close();
  });

  it('the shell log file is created 0600', () => {
    const path = join(tempDataDir(), 'paperboy.log');
    const dest = logFile(path);
    dest.write('{"msg":"hello"}\n');
    expect(mode(path)).toBe(0o600);
  });

  it('the CLI, run on a fresh DATA_DIR, leaves it 0700 and state.db 0600', async () => {
    const dir = join(tempDataDir(), 'fresh');
    const r = await runCli(['stats'], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'state.db'))).toBe(0o600);
  });
});
