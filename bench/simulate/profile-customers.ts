import { aroundStatements } from '../support/statement-hook.ts';
import { parseArgs } from 'node:util';
import { simulateInMemory } from './simulate-in-memory.ts';

/**
 * Where the simulator's customers' step spends its statements and time, by action kind:
 *
 *   npx tsx bench/simulate/profile-customers.ts --customers 300 --months 3 [--seed 7] [--concurrency 1]
 *
 * Every PGlite statement sent while the "customers" step runs is counted, timed and attributed
 * to the innermost simulator function on its async stack (buy or checkOutPurchases → checkout, signAgreement,
 * payOff → payoff quote, returnOrder → return, owedOnBills, payAtCashier → startPayments or
 * handleNotifications). With --concurrency 1 (the default here) the step is serial, so the wall
 * time from one statement's end to the next statement's end — JavaScript included — is given
 * to the next statement's kind: the per-kind times add up to the step. Actions per kind come
 * from the report's tallies. Figures for reading, not for asserting anything.
 */
const { values } = parseArgs({ options: {
  customers: { type: 'string', default: '300' }, months: { type: 'string', default: '3' },
  seed: { type: 'string', default: '7' }, concurrency: { type: 'string', default: '1' },
} });

const KINDS: [RegExp, string][] = [
  [/\bsignAgreement\b/, 'buy: signAgreement'],
  [/\bat (async )?(buy|checkOutPurchases) \(/, 'buy: checkout'],
  [/\bat (async )?payOff(s)? \(/, 'payoff: quote'],
  [/\bat (async )?returnOrder \(/, 'return'],
  [/\bat (async )?owedOnBills \(/, 'pay: owedOnBills'],
  [/\bstartPayments\b/, 'cashier: startPayments'],
  [/\bhandleNotifications\b/, 'cashier: handleNotifications'],
  [/\bat (async )?payAtCashier \(/, 'cashier: other'],
];

interface Tally { statements: number; ms: number }
const byKind = new Map<string, Tally>();
let inStep = false;
let last = performance.now();
Error.stackTraceLimit = 80;

function kindOf(stack: string): string {
  for (const [re, kind] of KINDS) if (re.test(stack)) return kind;
  return 'other';
}
function count(kind: string): void {
  const now = performance.now();
  const t = byKind.get(kind) ?? { statements: 0, ms: 0 };
  t.statements++;
  t.ms += now - last;
  last = now;
  byKind.set(kind, t);
}
aroundStatements(async (run) => {
  if (!inStep) return run();
  const kind = kindOf(new Error().stack ?? '');
  try { return await run(); } finally { count(kind); }
});

const { report, stepMs } = await simulateInMemory({
  customers: Number(values.customers), months: Number(values.months), seed: Number(values.seed), concurrency: Number(values.concurrency),
  onStep: (step) => {
    if (step === 'customers') { inStep = true; last = performance.now(); }
    else if (step === null && inStep) { count('(after the last statement)'); byKind.get('(after the last statement)')!.statements--; inStep = false; }
  },
});

const total = [...byKind.values()].reduce((s, t) => ({ statements: s.statements + t.statements, ms: s.ms + t.ms }), { statements: 0, ms: 0 });
console.log(`customers ${values.customers} × months ${values.months}, seed ${values.seed}, concurrency ${values.concurrency}: customers step ${(stepMs.customers! / 1000).toFixed(1)} s`);
console.log('| kind | statements | share | ms | share |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [kind, t] of [...byKind.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`| ${kind} | ${t.statements} | ${((100 * t.statements) / total.statements).toFixed(1)}% | ${t.ms.toFixed(0)} | ${((100 * t.ms) / total.ms).toFixed(1)}% |`);
}
console.log(`| total | ${total.statements} | | ${total.ms.toFixed(0)} | |`);
console.log(JSON.stringify({ plans: { created: report.plans.created, declined: report.plans.declined }, actions: report.actions, returns: report.returns }));
