import { addDays, addMonthsClamped, daysBetween, splitDate, type BusinessDate } from '../../core/calendar/business-date.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../core/close/close-settings.ts';
import { customerScript, PERSONA_MIX, type Persona } from '../../core/simulate/behaviour.ts';
import { sortedRecord, type MonthDelinquency, type SimReport } from '../../core/simulate/report.ts';
import { setBusinessDate } from '../../adapters/db/business-calendar.ts';
import type { ManualClock } from '../ports.ts';
import type { AppDeps } from '../deps.ts';
import { sandboxOf } from '../payments/gateways.ts';
import { Agenda, emptyTally, runCustomerRounds, type ActionEnv, type SimCustomer } from './customer-actions.ts';
import { NoticeCapture } from './capture-notices.ts';
import { setUpSimStore } from './sim-store.ts';
import { runBusinessDay, type DayLog } from './business-day.ts';
import { checkInvariants } from './invariants.ts';
import { autoDebitFigures, monthDelinquency, noticeFigures, planFigures, repaymentFigures, settlementFigures } from './portfolio-figures.ts';

export interface SimOptions {
  customers: number;
  months: number;
  seed: number;
  /** First business date of the run. */
  from: BusinessDate;
  migratePartnersAt: BusinessDate | null;
  /** Customers acting at once on a day (their actions go through the use cases concurrently). */
  concurrency: number;
  database: string;
  /** Progress, once per business date (for a progress line on stderr). */
  onDay?: (date: BusinessDate, done: number, total: number) => void;
  /** Filled with wall milliseconds per daily step, if given (timings stay out of the report). */
  stepMs?: Record<string, number>;
  /** Told when a daily step starts (its name) and ends (null), for profilers. */
  onStep?: (step: string | null) => void;
}

/** The last business date of a run of `months` months from `from`. */
export function lastDateOf(from: BusinessDate, months: number): BusinessDate {
  return addDays(addMonthsClamped(from, months, splitDate(from).day), -1);
}

/**
 * 组合模拟: builds a store of synthetic customers and drives the real use cases through
 * `months` months of business days with a manual clock — checkouts, payments at the sandbox
 * cashier (settled by its signed notifications), auto-debits, returns, early payoffs, daily
 * closes, notices to a capture, partner settlements — then reports figures and invariants.
 * The deps must be wired on a fresh database with `clock` and with `capture.notifier()`.
 */
export async function runSimulation(deps: AppDeps, clock: ManualClock, capture: NoticeCapture, o: SimOptions): Promise<SimReport> {
  const to = lastDateOf(o.from, o.months);
  clock.set(new Date(`${o.from}T09:00:00+08:00`));
  await setBusinessDate(deps.db, o.from, clock.now());
  capture.install(deps);
  const sandbox = sandboxOf(deps);
  if (!sandbox) throw new Error('simulate: the sandbox gateway is switched off (FENQI_SANDBOX_GATEWAY=0)');
  // The cashier's notification is delivered as soon as the customer pays (a real provider takes seconds).
  sandbox.faults = { ...sandbox.faults, notifyDelayMs: 0, lostCallback: false, duplicateCallbacks: 1, insufficientFunds: false, timeout: false };
  const store = await setUpSimStore(deps);

  const days = daysBetween(o.from, to) + 1;
  const agenda = new Agenda(to);
  const customers: SimCustomer[] = [];
  for (let i = 0; i < o.customers; i++) {
    const script = customerScript(o.seed, i, days);
    customers.push({ script, customerId: null, plans: new Map() });
    for (const p of script.purchases) agenda.add(addDays(o.from, p.day), i, { kind: 'buy', purchase: p });
  }
  const env: ActionEnv = { deps, store, seed: o.seed, agenda, tally: emptyTally() };
  const log: DayLog = { closeErrors: 0, planDays: 0, migration: null, stepMs: o.stepMs ?? {}, ...(o.onStep ? { onStep: o.onStep } : {}) };
  const months: MonthDelinquency[] = [];
  const buckets = DEFAULT_CLOSE_SETTINGS.buckets.map((b) => b.code);

  for (let n = 0, date = o.from; date <= to; n++, date = addDays(date, 1)) {
    await runBusinessDay(deps, clock, store, log, date, o.migratePartnersAt, async () => {
      await runCustomerRounds(env, agenda.take(date), customers, date, o.concurrency);
      await sandbox.drain();
    });
    if (date === to || splitDate(addDays(date, 1)).day === 1) months.push(await monthDelinquency(deps.db, date.slice(0, 7), date, buckets));
    o.onDay?.(date, n + 1, days);
  }

  const byPersona = new Map<Persona, string[]>();
  for (const c of customers) {
    if (!c.customerId) continue;
    const ids = byPersona.get(c.script.persona) ?? [];
    ids.push(c.customerId);
    byPersona.set(c.script.persona, ids);
  }
  const personas = Object.fromEntries(PERSONA_MIX.map(([p]) => [p, 0])) as Record<Persona, number>;
  for (const c of customers) personas[c.script.persona]++;
  const started = performance.now();
  const reconciledDays = new Map<string, number>();
  const invariants = await checkInvariants(deps.db, { capture, customersByPersona: byPersona, closedDates: days, reconciledDays });
  log.stepMs.invariants = performance.now() - started;
  const { repayments, collected } = await repaymentFigures(deps.db);
  const tally = env.tally;
  return {
    parameters: { customers: o.customers, months: o.months, seed: o.seed, from: o.from, to, migratePartnersAt: o.migratePartnersAt, database: o.database },
    customers: personas,
    plans: { ...(await planFigures(deps.db, store)), declined: sortedRecord(tally.declined) },
    repayments, collected,
    returns: tally.returns,
    actions: { done: sortedRecord(tally.done), skipped: sortedRecord(tally.skipped), rejected: sortedRecord(tally.rejected) },
    autoDebit: { agreements: tally.agreements, attempts: await autoDebitFigures(deps.db) },
    closes: { days, planDays: log.planDays, errors: log.closeErrors },
    delinquency: months,
    notices: await noticeFigures(deps.db),
    settlements: await settlementFigures(deps.db, [store.partners.first, store.partners.second], reconciledDays),
    migration: log.migration,
    invariants,
    ok: invariants.every((i) => i.ok),
  };
}
