/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function,
 * so "where does the time go" has an answer in numbers, not a flame graph.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/fenqi-prof --import tsx bench/quote/run.ts --only fenqi-quote --terms 36
 *   npx tsx bench/quote/profile-summary.ts /tmp/fenqi-prof/*.cpuprofile [--top 25] [--filter src/core]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number }

interface Entry { name: string; self: number; total: number }

function frameName(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*?\/(src|bench|node_modules)\//, '$1/');
  // Under tsx every frame of a transformed module reports line 0, so the line is shown only when known.
  const where = file && lineNumber > 0 ? `${file}:${lineNumber + 1}` : file;
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function summarise(profile: CpuProfile): { entries: Entry[]; samples: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const entries = new Map<string, Entry>();
  const entry = (name: string) => entries.get(name) ?? entries.set(name, { name, self: 0, total: 0 }).get(name)!;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    entry(frameName(n)).self += hits;
    // Inclusive: each function on the stack once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id)!);
      if (!seen.has(name)) { seen.add(name); entry(name).total += hits; }
    }
  }
  const samples = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  return { entries: [...entries.values()], samples };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, filter: { type: 'string', default: '' } },
  });
  const top = Number(values.top);
  for (const file of positionals) {
    const { entries, samples } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const pct = (n: number) => `${((100 * n) / samples).toFixed(1)}%`.padStart(6);
    const idle = entries.find((e) => e.name === '(idle)')?.self ?? 0;
    // node --cpu-prof also profiles the tsx loader thread, which idles throughout.
    if (idle > 0.9 * samples) { console.log(`\n${file}: ${samples} samples, ${Math.round((100 * idle) / samples)}% idle (a loader thread); skipped`); continue; }
    const shown = entries.filter((e) => e.name.includes(values.filter!));
    console.log(`\n${file}: ${samples} samples\n\nself   total  function`);
    for (const e of shown.sort((a, b) => b.self - a.self).slice(0, top)) console.log(`${pct(e.self)} ${pct(e.total)}  ${e.name}`);
    console.log('\ninclusive (top by total)\nself   total  function');
    for (const e of shown.sort((a, b) => b.total - a.total).slice(0, top)) console.log(`${pct(e.self)} ${pct(e.total)}  ${e.name}`);
  }
}

main();
