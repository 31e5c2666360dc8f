import { spawn } from 'node:child_process';
import { FakeHf, hfItem } from '/work/main/test/fakes/hf/fake-hf.ts';
const fake = new FakeHf();
const url = await fake.start();
fake.setDay('2026-11-27', [hfItem({ id: '2611.00001', title: 'Zebrafish Attention: Striped KV Caches', upvotes: 10 }), hfItem({ id: '2611.00002', title: 'Another Paper on Quokkas', upvotes: 30 })]);
fake.setDay('2026-11-28', [hfItem({ id: '2611.00003', title: 'Wombat Decoding for LLMs', upvotes: 5 }), hfItem({ id: '2611.00001', title: 'Zebrafish Attention: Striped KV Caches', upvotes: 99 })]);
const run = (input: string) => new Promise<string>((res) => {
  const p = spawn('node', ['scripts/run.mjs', 'cli', '--batch'], { env: { ...process.env, HF_API_URL: url, DATA_DIR: '/tmp/smoke/data', LOG_LEVEL: 'warn' } });
  let out = ''; p.stdout.on('data', (d) => (out += d)); p.stderr.on('data', (d) => (out += d));
  p.on('close', () => res(out)); p.stdin.end(input);
});
console.log(await run('ingest hf --from 2026-11-27 --to 2026-11-28\nsearch zebrafish\nnew\ntrending --days 3650\nshow arXiv:2611.00001v2\nstats\n'));
console.log(await run('ingest hf --from 2026-11-27 --to 2026-11-28\n'));
await fake.close();
