import { aroundStatements } from '../support/statement-hook.ts';
import { parseArgs } from 'node:util';
import { simulateInMemory } from './simulate-in-memory.ts';

/**
 * Where the simulator's notices step spends its statements and time, by phase:
 *
 *   npx tsx bench/simulate/profile-notices.ts --customers 1000 --months 12 [--seed 7]
 *
 * Every PGlite statement sent while the "notices" step runs is counted, timed and attributed
 * to its shape: the first words of its SQL, named after the dispatcher phase that sends it
 * (close-outbox intake, claim, batch read, commit round). Two times per shape: `db ms`
 * is spent inside PGlite's query/exec (the statement itself), `ms` is the wall time from the
 * previous statement's end to this one's end, so it also holds the JavaScript that led up to
 * the statement (rendering, link signing, JSON, the capture's senders); `(after the last
 * statement)` is the JavaScript between a day's last statement and the step's end. The step
 * is serial (PGlite runs one statement at a time), so the `ms` column adds up to the step.
 * Per-notice figures divide by the notices the report says were sent. Figures for reading,
 * not for asserting anything.
 */
const { values } = parseArgs({ options: {
  customers: { type: 'string', default: '1000' }, months: { type: 'string', default: '12' }, seed: { type: 'string', default: '7' },
  /**
   * A shape (as in the table's first column) whose plan is printed (EXPLAIN ANALYZE) every
   * --explain-every-th time it runs. EXPLAIN ANALYZE executes the statement: on a write (a
   * claim, an update) the statement then runs twice and the run is no longer the plain one —
   * read the plans, not the figures, of such a run.
   */
  explain: { type: 'string' }, 'explain-every': { type: 'string', default: '100' },
} });

const PHASES: [RegExp, string][] = [
  [/^select .* from "close_outbox"/, 'intake: select close_outbox'],
  [/^update close_outbox set consumed_at/, 'intake: claim close_outbox'],
  [/^update notices set lease_until/, 'claim: lease due'],
  [/^insert into "?notices"? /, 'intake: insert notices'],
  [/^update "close_outbox"/, 'intake: mark close_outbox consumed'],
  [/^select .* from "notices"/, 'claim: select due'],
  [/^update "notices"/, 'claim: lease'],
  [/^select .* from "customers"/, 'read: customers'],
  [/^select .* from "notice_contacts"/, 'read: contacts'],
  [/^select .* from "plans" inner join "merchants"/, 'read: merchant of plan'],
  [/^select .* from "plans"/, 'read: plans'],
  [/^select .* from "installments"/, 'read: installments'],
  [/^update notices n/, 'commit: update notices'],
  [/^insert into "?notice_deliveries"? /, 'commit: insert deliveries'],
  [/^insert into "?inbox_messages"? /, 'commit: insert inbox'],
  [/^(begin|start transaction|set transaction)/i, 'begin (after the JavaScript that decides and renders)'],
  [/^(commit|rollback)/i, 'commit'],
];

interface Tally { statements: number; ms: number; dbMs: number }
const byPhase = new Map<string, Tally>();
let inStep = false;
let last = performance.now();

function phaseOf(sqlText: unknown): string {
  const text = String(sqlText).replace(/\s+/g, ' ').trim();
  for (const [re, phase] of PHASES) if (re.test(text)) return phase;
  return `other: ${text.slice(0, 60)}`;
}
function count(phase: string, dbMs: number): void {
  const now = performance.now();
  const t = byPhase.get(phase) ?? { statements: 0, ms: 0, dbMs: 0 };
  t.statements++;
  t.ms += now - last;
  t.dbMs += dbMs;
  last = now;
  byPhase.set(phase, t);
}
aroundStatements(async (run, { text, method, args, runOther }) => {
  if (!inStep) return run();
  const phase = phaseOf(text);
  if (phase === values.explain && method === 'query' && (byPhase.get(phase)?.statements ?? 0) % Number(values['explain-every']) === 0) {
    const plan = await runOther([`explain (analyze, buffers) ${String(text)}`, ...args.slice(1)]) as { rows: Record<string, string>[] };
    console.log(`-- ${phase} #${byPhase.get(phase)?.statements ?? 0}\n${plan.rows.map((r) => Object.values(r)[0]).join('\n')}`);
  }
  const started = performance.now();
  try { return await run(); } finally { count(phase, performance.now() - started); }
});

const AFTER = '(after the last statement)';
const { report, stepMs, capture } = await simulateInMemory({
  customers: Number(values.customers), months: Number(values.months), seed: Number(values.seed), concurrency: 8,
  onStep: (step) => {
    if (step === 'notices') { inStep = true; last = performance.now(); }
    else if (step === null && inStep) { count(AFTER, 0); byPhase.get(AFTER)!.statements--; inStep = false; }
  },
});

const sent = capture.byReference.size;
const total = [...byPhase.values()].reduce((s, t) => ({ statements: s.statements + t.statements, ms: s.ms + t.ms, dbMs: s.dbMs + t.dbMs }), { statements: 0, ms: 0, dbMs: 0 });
console.log(`customers ${values.customers} × months ${values.months}, seed ${values.seed}: notices step ${(stepMs.notices! / 1000).toFixed(1)} s, ${sent} notices delivered by SMS or email, ${(stepMs.notices! / sent).toFixed(3)} ms each`);
console.log('| phase | statements | per notice | ms | db ms | ms per notice |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [phase, t] of [...byPhase.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`| ${phase} | ${t.statements} | ${(t.statements / sent).toFixed(3)} | ${t.ms.toFixed(0)} | ${t.dbMs.toFixed(0)} | ${(t.ms / sent).toFixed(3)} |`);
}
console.log(`| total | ${total.statements} | ${(total.statements / sent).toFixed(3)} | ${total.ms.toFixed(0)} | ${total.dbMs.toFixed(0)} | ${(total.ms / sent).toFixed(3)} |`);
console.log(JSON.stringify({ steps: Object.fromEntries(Object.entries(stepMs).map(([k, v]) => [k, Math.round(v)])), notices: report.notices }));
