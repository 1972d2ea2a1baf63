import type { Fen } from '../money/fen.ts';
import { formatYuan } from '../money/parse.ts';
import type { Persona } from './behaviour.ts';

/**
 * The simulator's report. Everything in it is a count or a sum the seed decides; nothing
 * depends on wall time, generated ids or the order concurrent work finished in, so the same
 * seed gives a byte-identical JSON report (timings go to stderr, not here).
 */
export interface MonthDelinquency {
  month: string;
  /** The last business date of the month that was closed. */
  asOf: string;
  activePlans: number;
  /** Active plans per delinquency bucket (M0 current … M4+). */
  buckets: Record<string, number>;
  /** Share of active plans in each overdue bucket (every bucket but M0), 4 decimals. */
  overdueRate: Record<string, number>;
  writtenOffPlans: number;
}

export interface PartnerSettlementSummary {
  partner: string;
  daysSettled: number;
  /** Days whose settlement file reconciles to the journal (checked at the end of the run). */
  daysReconciled: number;
  plansFundedFen: Fen;
  collected: { principalFen: Fen; interestFen: Fen; feeFen: Fen; penaltyFen: Fen };
  returnedPrincipalFen: Fen;
  netDueFen: Fen;
}

export interface InvariantResult { name: string; ok: boolean; checked: number; failures: string[] }

export interface MigrationSummary {
  date: string;
  plansMoved: number;
  customers: number;
  principalFen: Fen;
  entranceClosed: string;
  installmentsProtected: number;
  transferNotices: number;
}

export interface SimReport {
  parameters: { customers: number; months: number; seed: number; from: string; to: string; migratePartnersAt: string | null; database: string };
  customers: Record<Persona, number>;
  plans: { created: number; declined: Record<string, number>; byProduct: Record<string, number>; byStatus: Record<string, number>; financedFen: Fen };
  repayments: { count: number; byKind: Record<string, number>; amountFen: Fen };
  collected: { principalFen: Fen; interestFen: Fen; feeFen: Fen; penaltyFen: Fen; totalFen: Fen };
  returns: { full: number; partial: number };
  actions: { done: Record<string, number>; skipped: Record<string, number>; rejected: Record<string, number> };
  autoDebit: { agreements: number; attempts: Record<string, number> };
  closes: { days: number; planDays: number; errors: number };
  delinquency: MonthDelinquency[];
  notices: { sentByKind: Record<string, number>; otherByStatus: Record<string, number>; continuityByKind: Record<string, number> };
  settlements: PartnerSettlementSummary[];
  migration: MigrationSummary | null;
  invariants: InvariantResult[];
  ok: boolean;
}

/** Keys sorted, so a record built in any order serialises the same way. */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function increment(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** count / total to 4 decimals (a share, not money: plain rounding is fine here). */
export function share(count: number, total: number): number {
  return total === 0 ? 0 : Math.round((count / total) * 10_000) / 10_000;
}

/** Overdue share of each bucket but the current one. */
export function overdueRates(buckets: Record<string, number>, active: number, currentBucket = 'M0'): Record<string, number> {
  return sortedRecord(Object.fromEntries(Object.entries(buckets).filter(([b]) => b !== currentBucket).map(([b, n]) => [b, share(n, active)])));
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const list = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

/** The readable summary printed without --json. */
export function summaryText(r: SimReport, chartPath: string | null): string {
  const p = r.parameters;
  const lines = [
    `Fenqi portfolio simulation: ${p.customers} customers, ${p.months} months (${p.from} … ${p.to}), seed ${p.seed}, ${p.database}`,
    `customers by behaviour: ${list(r.customers)}`,
    `plans: ${r.plans.created} created (${formatYuan(r.plans.financedFen)} financed), declined: ${list(r.plans.declined)}`,
    `  by product: ${list(r.plans.byProduct)}`,
    `  by status at the end: ${list(r.plans.byStatus)}`,
    `repayments: ${r.repayments.count} (${formatYuan(r.repayments.amountFen)}), by kind: ${list(r.repayments.byKind)}`,
    `collected: principal ${formatYuan(r.collected.principalFen)}, interest ${formatYuan(r.collected.interestFen)}, fees ${formatYuan(r.collected.feeFen)}, penalties ${formatYuan(r.collected.penaltyFen)}`,
    `returns: ${r.returns.full} full, ${r.returns.partial} partial; auto-debit: ${r.autoDebit.agreements} agreements, attempts ${list(r.autoDebit.attempts)}`,
    `customer actions: ${list(r.actions.done)}; skipped ${list(r.actions.skipped)}; refused ${list(r.actions.rejected)}`,
    `daily closes: ${r.closes.days} dates, ${r.closes.planDays} plan-days closed, ${r.closes.errors} plan errors`,
    'delinquency by month (share of active plans):',
    ...r.delinquency.map((m) => `  ${m.month}  ${String(m.activePlans).padStart(7)} active  ${Object.entries(m.overdueRate).map(([b, x]) => `${b} ${pct(x).padStart(7)}`).join('  ')}  written off ${m.writtenOffPlans}`),
    `notices sent: ${list(r.notices.sentByKind)}; continuity notices: ${list(r.notices.continuityByKind)}`,
    'settlements:',
    ...r.settlements.map((s) => `  ${s.partner}: ${s.daysSettled} days settled, ${s.daysReconciled} reconciled; funded ${formatYuan(s.plansFundedFen)}, collected principal ${formatYuan(s.collected.principalFen)}, net due ${formatYuan(s.netDueFen)}`),
  ];
  if (r.migration) {
    const m = r.migration;
    lines.push(`partner migration on ${m.date}: ${m.plansMoved} plans of ${m.customers} customers (${formatYuan(m.principalFen)}) moved; entrance ${m.entranceClosed} closed; ${m.installmentsProtected} installments protected; ${m.transferNotices} transfer notices`);
  }
  lines.push('invariants:');
  for (const i of r.invariants) lines.push(`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name} (${i.checked} checked)${i.ok ? '' : `: ${i.failures.slice(0, 3).join('; ')}`}`);
  if (chartPath) lines.push(`delinquency chart: ${chartPath}`);
  lines.push(r.ok ? 'every invariant held' : 'SOME INVARIANTS FAILED');
  return lines.join('\n');
}
