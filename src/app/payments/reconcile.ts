import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';
import { runTx } from '../../adapters/db/tx.ts';
import { shanghaiDayRange } from '../../adapters/gateways/sandbox/statement.ts';
import type { AppDeps } from '../deps.ts';
import { execute } from '../execute.ts';
import { raiseAlert } from './alerts.ts';
import { gatewayOf } from './gateways.ts';
import { findByOutTradeNo, type PaymentRow } from './payment-store.ts';
import type { StatementLine } from './ports.ts';
import { settlePayment } from './settle-payment.ts';
import { reconcileRefunds, type RefundRecon } from './refunds/reconcile-refunds.ts';

export interface ReconLine { outTradeNo: string; gatewayRef: string; amountFen: number; fenqiAmountFen?: number; paymentId?: string }
export interface ReconcileReport {
  gateway: GatewayName; date: string; statementPayments: number; statementRefunds: number;
  /** In the statement and settled in Fenqi for the same amount. */
  matched: number;
  /** In the statement, not settled in Fenqi until reconciliation posted it (rule: post when the amount is ours). */
  recovered: ReconLine[];
  /** In the statement, unknown to Fenqi: flagged for operations, never posted. */
  notInFenqi: ReconLine[];
  /** Settled in Fenqi that day, absent from the statement. */
  notInStatement: ReconLine[];
  amountMismatches: ReconLine[];
  /** The statement's refund lines matched against recorded refunds. */
  refunds: RefundRecon;
}

/**
 * 对账: matches a gateway's statement for one day against recorded payments and refunds. A paid line
 * Fenqi has not settled (its notification and queries all lost) is posted through the same
 * exactly-once settlePayment; everything else is reported and, when it needs a person,
 * raised as an alert. The report is derived from the data after any posting, so re-running
 * a day posts nothing more and stores the same result.
 */
export async function reconcile(deps: AppDeps, name: GatewayName, date: string): Promise<Result<ReconcileReport, DomainError>> {
  const gw = gatewayOf(deps, name);
  if (!gw.ok) return gw;
  if (!gw.value.statement) return err(domainError('gateway_not_configured', `statements from ${name} are not available`, 'gateway'));
  const lines = await gw.value.statement(date);
  const payments = lines.filter((l) => l.type === 'payment');
  const report: ReconcileReport = {
    gateway: name, date, statementPayments: payments.length, statementRefunds: lines.length - payments.length,
    matched: 0, recovered: [], notInFenqi: [], notInStatement: [], amountMismatches: [],
    refunds: { matched: 0, recovered: [], notInFenqi: [], notInStatement: [], amountMismatches: [] },
  };
  for (const line of payments) await classify(deps, name, line, report);
  const [from, to] = shanghaiDayRange(date);
  const listed = new Set(payments.map((l) => l.outTradeNo));
  // Payments posted by reconciliation are in some statement by construction.
  const settled = await deps.db.selectFrom('payments').select(['id', 'out_trade_no', 'amount_fen', 'gateway_ref'])
    .where('gateway', '=', name).where('status', '=', 'succeeded').where('settled_by', '!=', 'reconciliation').where('settled_at', '>=', from).where('settled_at', '<', to).execute();
  for (const p of settled) {
    if (!listed.has(p.out_trade_no)) report.notInStatement.push({ outTradeNo: p.out_trade_no, gatewayRef: p.gateway_ref ?? '', amountFen: p.amount_fen, paymentId: p.id });
  }
  report.refunds = await reconcileRefunds(deps.db, name, date, lines);
  await store(deps, report);
  return ok(report);
}

async function classify(deps: AppDeps, name: GatewayName, line: StatementLine, report: ReconcileReport): Promise<void> {
  const base: ReconLine = { outTradeNo: line.outTradeNo, gatewayRef: line.gatewayRef, amountFen: line.amount };
  let p: PaymentRow | undefined = await findByOutTradeNo(deps.db, line.outTradeNo);
  if (!p || p.gateway !== name) {
    report.notInFenqi.push(base);
    return;
  }
  const line2 = { ...base, fenqiAmountFen: p.amount_fen, paymentId: p.id };
  if (p.amount_fen !== line.amount) {
    report.amountMismatches.push(line2);
    return;
  }
  if (p.status !== 'succeeded') {
    await execute(deps, { kind: 'system', id: `reconcile:${name}` }, (ctx) => settlePayment(ctx, p!.id, { amount: line.amount, gatewayRef: line.gatewayRef, source: 'reconciliation' }));
    p = await findByOutTradeNo(deps.db, line.outTradeNo);
  }
  if (p?.settled_by === 'reconciliation') report.recovered.push(line2);
  else report.matched++;
}

async function store(deps: AppDeps, r: ReconcileReport): Promise<void> {
  const at = deps.clock.now();
  await runTx(deps.db, async (tx) => {
    for (const l of r.notInFenqi) {
      await raiseAlert(tx, deps.ids, at, {
        kind: 'notification_unknown_order', severity: 'critical', gateway: r.gateway, outTradeNo: l.outTradeNo,
        message: `the ${r.date} statement of ${r.gateway} lists a payment Fenqi does not know`, details: { ...l }, dedupKey: `recon-unknown:${r.gateway}:${l.outTradeNo}`,
      });
    }
    for (const l of r.amountMismatches) {
      await raiseAlert(tx, deps.ids, at, {
        kind: 'notification_mismatch', severity: 'critical', gateway: r.gateway, outTradeNo: l.outTradeNo,
        message: `the ${r.date} statement of ${r.gateway} has another amount for a payment`, details: { ...l }, dedupKey: `recon-mismatch:${r.gateway}:${l.outTradeNo}`,
      });
    }
    for (const l of [...r.refunds.notInFenqi, ...r.refunds.amountMismatches]) {
      await raiseAlert(tx, deps.ids, at, {
        kind: 'notification_mismatch', severity: 'critical', gateway: r.gateway, outTradeNo: l.outTradeNo,
        message: `the ${r.date} statement of ${r.gateway} has a refund Fenqi did not make through it, or for another amount: check it was not paid twice`,
        details: { ...l }, dedupKey: `recon-refund:${r.gateway}:${l.refundNo || l.outTradeNo}:${l.amountFen}`,
      });
    }
    await tx.insertInto('reconciliations').values({ gateway: r.gateway, statement_date: r.date, first_run_at: at, last_run_at: at, report: JSON.stringify(r) })
      .onConflict((oc) => oc.columns(['gateway', 'statement_date']).doUpdateSet({ last_run_at: at, report: JSON.stringify(r) })).execute();
  });
}
