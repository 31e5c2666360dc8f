// Per-module mutation scores from Stryker's JSON report (reports/mutation/mutation.json), as the
// Markdown table docs/testing.md keeps; `--survivors` also lists each surviving mutant to read.
// Score = (killed + timed out) / (killed + timed out + survived + no coverage); ignored (static) and
// compile errors are not counted, as in Stryker's own "mutation score".
import { readFileSync } from 'node:fs';

const file = process.argv.find((a) => a.endsWith('.json')) ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const rows = [];
const survivors = [];
for (const [path, { mutants }] of Object.entries(report.files)) {
  const n = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
  for (const m of mutants) {
    n[m.status] = (n[m.status] ?? 0) + 1;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      survivors.push(`${path}:${m.location.start.line} ${m.mutatorName} ${m.status}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  const detected = n.Killed + n.Timeout;
  const valid = detected + n.Survived + n.NoCoverage;
  rows.push({ path, ...n, score: valid ? (100 * detected) / valid : 100 });
}
rows.sort((a, b) => a.path.localeCompare(b.path));
console.log('| Module | Killed | Timed out | Survived | No coverage | Ignored (static) | Score |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| \`${r.path}\` | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.NoCoverage} | ${r.Ignored} | ${r.score.toFixed(1)}% |`);
}
if (process.argv.includes('--survivors')) {
  console.log('');
  for (const s of survivors) console.log(s);
}
