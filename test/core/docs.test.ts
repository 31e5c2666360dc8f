import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/app/config.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');

describe('docs are in step with the code', () => {
  it('the README command table lists every core command with its usage', async () => {
    const readme = read('README.md');
    for (const c of (await testPaperboy()).commands) {
      expect(readme, c.name).toContain(`| \`${c.name}${c.usage ? ` ${c.usage}` : ''}\``);
    }
  });
  it('README and .env.example name every environment variable', () => {
    const readme = read('README.md');
    const example = read('.env.example');
    for (const key of Object.keys(EnvSchema.shape)) {
      expect(readme, key).toContain(key);
      expect(example, key).toContain(key);
    }
  });
  it('every npm script the README mentions exists', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    for (const m of read('README.md').matchAll(/npm run (?:-s )?([\w:-]+)/g)) expect(scripts, m[1]).toContain(m[1]);
  });
  it('the CLI usage names every command, schedule and ingest included', async () => {
    const source = read('src/cli.ts');
    const list = source.slice(source.indexOf('Commands: '), source.indexOf('Environment: '));
    const names = (await testPaperboy()).commands.map((c) => c.name);
    for (const name of [...names, 'schedule', 'ingest']) expect(list, name).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
