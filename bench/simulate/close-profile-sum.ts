/**
 * Sums the per-date close phase timings that `FENQI_CLOSE_PROFILE=1 FENQI_SIMULATE_LOG=1
 * fenqi simulate ...` prints on stderr (src/app/close/phase-timer.ts), so two runs' profiles
 * can be compared phase by phase.
 *
 *   FENQI_CLOSE_PROFILE=1 FENQI_SIMULATE_LOG=1 node bin/fenqi.js simulate --customers 3000 --months 6 --seed 7 --json 2> prof.err >/dev/null
 *   npx tsx bench/simulate/close-profile-sum.ts prof.err [other.err]
 */
import { readFileSync } from 'node:fs';

function sum(path: string): { dates: number; phases: Map<string, { s: number; n: number }> } {
  const phases = new Map<string, { s: number; n: number }>();
  let dates = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('close phases: ');
    if (at < 0) continue;
    dates += 1;
    for (const part of line.slice(at + 'close phases: '.length).split('; ')) {
      const m = /^(.+) ([\d.]+) s ×(\d+)$/.exec(part.trim());
      if (!m) continue;
      const p = phases.get(m[1]!) ?? { s: 0, n: 0 };
      p.s += Number(m[2]); p.n += Number(m[3]);
      phases.set(m[1]!, p);
    }
  }
  return { dates, phases };
}

const runs = process.argv.slice(2).map((p) => ({ path: p, ...sum(p) }));
const names = [...new Set(runs.flatMap((r) => [...r.phases.keys()]))];
console.log(['phase', ...runs.map((r) => `${r.path} (${r.dates} dates) s`)].join('\t'));
for (const name of names) console.log([name, ...runs.map((r) => (r.phases.get(name)?.s ?? 0).toFixed(2))].join('\t'));
