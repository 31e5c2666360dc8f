/**
 * `npm run bench`: prints speed figures (never asserts; the machines are shared and noisy).
 * Sections: search core (parse+index, query latency), cold CLI, Slack ack latency, Discord reply latency.
 * `npm run bench -- cli slack` runs only the named sections.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SECTIONS = ['search', 'cli', 'slack', 'discord'] as const;
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(SECTIONS as readonly string[]).includes(w));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  process.exit(2);
}

console.log(`# Paperboy benchmarks — node ${process.version}, ${new Date().toISOString()}`);
let failed = 0;
for (const name of SECTIONS) {
  if (wanted.length && !wanted.includes(name)) continue;
  const file = fileURLToPath(new URL(`./bench/${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    console.log(`\n## ${name}: not available (${file} missing)`);
    continue;
  }
  try {
    const mod = (await import(file)) as { run: () => Promise<void> };
    await mod.run();
  } catch (err) {
    failed++;
    console.log(`\n## ${name}: FAILED — ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exit(failed ? 1 : 0);
