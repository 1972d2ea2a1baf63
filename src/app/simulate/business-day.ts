import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../core/close/close-settings.ts';
import type { MigrationSummary } from '../../core/simulate/report.ts';
import { closeThrough } from '../close/close-through.ts';
import { applyProtections } from '../entrances/detect-protections.ts';
import { setEntranceStatus } from '../entrances/manage-entrances.ts';
import { intakeCloseOutbox } from '../notices/close-outbox-intake.ts';
import { dispatchNotices } from '../notices/dispatch-notices.ts';
import { runAutoDebitsOnce } from '../payments/autodebit/run-autodebits.ts';
import { sandboxOf } from '../payments/gateways.ts';
import { handleNotifications } from '../payments/handle-notifications.ts';
import { updatePartner } from '../partners/manage-partners.ts';
import { settlePartnerDay } from '../partners/settle-partner-day.ts';
import { transferPortfolio } from '../partners/transfer-portfolio.ts';
import type { ManualClock } from '../ports.ts';
import type { AppDeps } from '../deps.ts';
import { runOnce, type SimStore } from './sim-store.ts';

/** What the days leave for the report. */
export interface DayLog {
  closeErrors: number;
  planDays: number;
  migration: MigrationSummary | null;
  /** Wall milliseconds per step, summed over the days (for the benchmark; never in the report). */
  stepMs: Record<string, number>;
  /** Told when a step starts (its name) and ends (null): lets a profiler attribute work to steps. */
  onStep?: (step: string | null) => void;
}

async function timed<T>(log: DayLog, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  log.onStep?.(step);
  try { return await work(); } finally {
    log.stepMs[step] = (log.stepMs[step] ?? 0) + (performance.now() - started);
    log.onStep?.(null);
  }
}

// One process owns the embedded database: one worker and one partition avoid per-partition overhead on every one of the run's dates.
const CLOSE_OPTIONS = { workers: 1, partitions: 1, pageSize: 5000, chargePageSize: 500, leaseSeconds: 300, settings: DEFAULT_CLOSE_SETTINGS };
const DISPATCH_BATCH = 500;

const at = (clock: ManualClock, date: BusinessDate, hhmm: string) => clock.set(new Date(`${date}T${hhmm}:00+08:00`));

/**
 * One business date, in the order a real store lives it (Shanghai times): the morning's
 * reminders go out at 09:00 (outside SMS quiet hours), auto-debits run on the ladder's
 * 10:00 step, customers act during the day, the day's receipts go out at 20:00, the close
 * runs at 23:30 and the partners' files for the day are made and reconciled after it.
 */
export async function runBusinessDay(
  deps: AppDeps, clock: ManualClock, store: SimStore, log: DayLog, date: BusinessDate, migrateAt: BusinessDate | null, customersAct: () => Promise<void>,
): Promise<void> {
  at(clock, date, '09:00');
  if (migrateAt === date) log.migration = await migratePartners(deps, store, date);
  await timed(log, 'notices', () => sendNotices(deps));
  at(clock, date, '10:00');
  await timed(log, 'autoDebit', async () => {
    if (!(await autoDebitDue(deps, date))) return;
    await autoDebitRound(deps);
  });
  at(clock, date, '10:30');
  await timed(log, 'customers', customersAct);
  at(clock, date, '20:00');
  await timed(log, 'notices', () => sendNotices(deps));
  if (migrateAt !== null && date >= migrateAt && log.migration) {
    const run = await timed(log, 'protections', () => runOnce(deps, (ctx) => applyProtections(ctx, date), `protections ${date}`));
    log.migration.installmentsProtected += run.installmentsProtected;
  }
  at(clock, date, '23:30');
  const closed = await timed(log, 'close', () => closeThrough(deps, date, CLOSE_OPTIONS));
  for (const run of closed.runs) { log.closeErrors += run.errors; log.planDays += run.plansTotal; }
  at(clock, date, '23:50');
  await timed(log, 'settlements', () => settleDay(deps, store, date));
}

async function sendNotices(deps: AppDeps): Promise<void> {
  await intakeCloseOutbox(deps);
  while ((await dispatchNotices(deps, { batchSize: DISPATCH_BATCH, concurrency: 8 })).claimed >= DISPATCH_BATCH) { /* drain the backlog */ }
}

/**
 * runAutoDebitsOnce looks at every agreement; on the many days when no agreement's plans
 * have anything due or in grace, one query says so and the round is skipped (a round on
 * such a day would attempt nothing).
 */
async function autoDebitDue(deps: AppDeps, date: BusinessDate): Promise<boolean> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from autodebit_agreements a
    join plans p on p.customer_id = a.customer_id and p.status = 'active' and (a.plan_id is null or a.plan_id = p.id)
    join installments i on i.customer_id = p.customer_id and i.plan_id = p.id
    where a.status = 'active' and i.settled_on is null and i.due_date <= ${date}::date and i.due_date + p.grace_days >= ${date}::date`.execute(deps.db);
  return Number(r.rows[0]!.n) > 0;
}

/**
 * The auto-debit round, through runAutoDebitsOnce (each debit settled by the round itself).
 * The sandbox also notifies every debit it made (a duplicate by then): the simulator delivers
 * those notifications itself, all of the round's at once after it (handleNotifications), as a
 * gateway's burst; the sandbox is told not to send them a second time. The round's debits are
 * the trades the sandbox's own books show paid since the round began.
 */
async function autoDebitRound(deps: AppDeps): Promise<void> {
  const sandbox = sandboxOf(deps)!;
  const began = deps.clock.now();
  const faults = sandbox.faults;
  sandbox.faults = { ...faults, lostCallback: true };
  try {
    await runAutoDebitsOnce(deps);
  } finally {
    sandbox.faults = faults;
  }
  const debited = await deps.db.selectFrom('sandbox_trades').select('out_trade_no').where('status', '=', 'paid')
    .where('paid_at', '>=', began).where('paid_at', '<=', deps.clock.now()).orderBy('paid_at').orderBy('out_trade_no').execute();
  const raws = (await sandbox.notificationsFor(debited.map((t) => t.out_trade_no))).filter((raw) => raw !== null);
  if (raws.length > 0) await handleNotifications(deps, 'sandbox', raws);
}

/**
 * 日终结算 for each partner. Every file is proved against the journal (对账) once, at the end
 * of the run (invariants.ts): a later posting dated on a settled day would break that check
 * but not one made right after the file, so the end is the stricter place, and checking each
 * file twice would double the step.
 */
async function settleDay(deps: AppDeps, store: SimStore, date: BusinessDate): Promise<void> {
  for (const p of [store.partners.first, store.partners.second]) await runOnce(deps, (ctx) => settlePartnerDay(ctx, p.id, date), `settlement ${p.code} ${date}`);
}

/**
 * The seed's story on purpose: on `date` the store moves every plan from its first partner to
 * the second (资产转让), stops routing new plans to the first, and closes the store app's
 * repayment entrance the same day.
 */
async function migratePartners(deps: AppDeps, store: SimStore, date: BusinessDate): Promise<MigrationSummary> {
  const { first, second } = store.partners;
  const moved = await runOnce(deps, (ctx) => transferPortfolio(ctx, {
    transferId: deps.ids.next(), fromPartnerId: first.id, toPartnerId: second.id, effectiveDate: date, selection: {},
    reason: 'the store moved its installment business to another partner', dryRun: false,
  }), 'portfolio transfer');
  await runOnce(deps, (ctx) => updatePartner(ctx, first.id, { status: 'paused' }), 'pause the first partner');
  await runOnce(deps, (ctx) => setEntranceStatus(ctx, store.storeEntrance, { status: 'closed', reason: 'the store ended its installment business with its first partner' }), 'close the store entrance');
  const notices = await deps.db.selectFrom('continuity_notices').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'portfolio_transfer').executeTakeFirstOrThrow();
  return {
    date, plansMoved: moved.plans, customers: moved.customers, principalFen: moved.principalFen, entranceClosed: store.storeEntrance,
    installmentsProtected: 0, transferNotices: Number(notices.n),
  };
}
