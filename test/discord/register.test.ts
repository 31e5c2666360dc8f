/** `npm run discord:register` against the fake Discord (the real script entry, run as a process). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/discord-register.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';

const run = promisify(execFile);
let fake: FakeDiscord;
/** Data folders made for the runs, removed at the end. */
const dirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-register-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => {
  await fake.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The same script in-process (its exported `main`): fast, for the cases that need no process boundary. */
async function registerInProcess(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main({ DATA_DIR: dataDir(), ...env }, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

/** The real entry point as a child process (what `npm run discord:register` runs). */
async function register(env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/discord-register.ts'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '',
        DATA_DIR: dataDir(),
        ...env,
      },
      cwd: process.cwd(),
      timeout: 30_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('discord:register', () => {
  it('registers /papers in a guild with one bulk PUT and prints the invite URL', async () => {
    const from = fake.requests.length;
    const { code, out } = await register({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.world.guildId });
    expect(out).toMatch(/Registered \/papers in server/);
    expect(code).toBe(0);
    const reqs = fake.requests.slice(from);
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /applications/@me',
      `PUT /applications/${fake.world.applicationId}/guilds/${fake.world.guildId}/commands`,
    ]);
    const body = reqs[1]!.body as { name: string; options: { name: string }[] }[];
    expect(body).toHaveLength(1);
    expect(body[0]!.name).toBe('papers');
    expect(body[0]!.options.map((o) => o.name)).toContain('search');
    expect(body[0]!.options.map((o) => o.name)).toContain('schedule');
    expect(reqs.every((r) => r.authorized)).toBe(true);
    expect(out).toContain(
      `https://discord.com/oauth2/authorize?client_id=${fake.world.applicationId}&scope=bot+applications.commands&permissions=274877991936`,
    );
    expect(out).not.toContain(fake.token);
  }, 60_000);

  it('registers globally without DISCORD_GUILD_ID', async () => {
    const from = fake.requests.length;
    const { code, out } = await registerInProcess({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
    expect(code).toBe(0);
    expect(out).toMatch(/globally/);
    expect(fake.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toContain(`PUT /applications/${fake.world.applicationId}/commands`);
  }, 60_000);

  it('explains a missing token and a rejected one', async () => {
    const missing = await registerInProcess({});
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/DISCORD_TOKEN is not set/);
    const wrong = await registerInProcess({ DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAw.Gwrong.wrong-token-wrong-token', DISCORD_API_URL: fake.apiUrl });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/401|Unauthorized/);
    expect(wrong.out).not.toContain('wrong-token-wrong-token');
  }, 60_000);
});
