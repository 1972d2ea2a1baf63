import type { GatewayName } from '../../../core/payments/payment-status.ts';
import type { Db } from '../../../adapters/db/tx.ts';
import { shanghaiDayRange } from '../../../adapters/gateways/sandbox/statement.ts';
import type { StatementLine } from '../ports.ts';
import { paymentsDb, type RefundRow } from '../tables.ts';
import { uuidOfHex } from '../hex-ids.ts';

export interface RefundReconLine { outTradeNo: string; refundNo: string; amountFen: number; fenqiAmountFen?: number; refundId?: string; fenqiStatus?: string }
export interface RefundRecon {
  /** In the statement and recorded as succeeded for the same amount. */
  matched: number;
  /** In the statement while Fenqi still had it pending (the dispatcher's answer was lost): recorded as succeeded now. */
  recovered: RefundReconLine[];
  /** In the statement, but Fenqi has no such gateway refund — or paid it by hand: money may have gone out twice. */
  notInFenqi: RefundReconLine[];
  /** Recorded as succeeded through this gateway that day, absent from the statement. */
  notInStatement: RefundReconLine[];
  amountMismatches: RefundReconLine[];
}

/**
 * Matches a statement's refund lines against recorded refunds: matched, recovered (pending →
 * succeeded: its journal entry was posted when it was recorded, so nothing is posted here),
 * in the statement but not in Fenqi, in Fenqi but not in the statement, amount mismatches.
 * Re-running a day finds everything matched that it recovered before.
 */
export async function reconcileRefunds(db: Db, name: GatewayName, date: string, lines: StatementLine[]): Promise<RefundRecon> {
  const r: RefundRecon = { matched: 0, recovered: [], notInFenqi: [], notInStatement: [], amountMismatches: [] };
  const listed = new Set<string>();
  for (const l of lines.filter((x) => x.type === 'refund')) {
    const base: RefundReconLine = { outTradeNo: l.outTradeNo, refundNo: l.refundNo ?? '', amountFen: l.amount };
    const row = await findRefund(db, l);
    if (!row || row.out_trade_no !== l.outTradeNo || (row.status !== 'pending' && row.channel !== name)) {
      r.notInFenqi.push(row ? { ...base, refundId: row.id, fenqiStatus: `${row.status}/${row.channel}` } : base);
      continue;
    }
    listed.add(row.id);
    const line = { ...base, refundId: row.id, fenqiAmountFen: row.amount_fen, fenqiStatus: row.status };
    if (row.amount_fen !== l.amount) { r.amountMismatches.push(line); continue; }
    if (row.status === 'pending') {
      await paymentsDb(db).updateTable('refunds').set({ status: 'succeeded', external_ref: l.gatewayRef || row.out_request_no, settled_at: l.at, failure_reason: null })
        .where('customer_id', '=', row.customer_id).where('id', '=', row.id).where('status', '=', 'pending').execute();
      r.recovered.push(line);
    } else if (row.status === 'succeeded') r.matched++;
    else r.notInFenqi.push(line);
  }
  const [from, to] = shanghaiDayRange(date);
  const succeeded = await paymentsDb(db).selectFrom('refunds').selectAll().where('channel', '=', name).where('status', '=', 'succeeded')
    .where('settled_at', '>=', from).where('settled_at', '<', to).where('out_request_no', 'is not', null).execute();
  for (const s of succeeded) {
    if (!listed.has(s.id)) r.notInStatement.push({ outTradeNo: s.out_trade_no ?? '', refundNo: s.out_request_no ?? '', amountFen: s.amount_fen, fenqiAmountFen: s.amount_fen, refundId: s.id, fenqiStatus: s.status });
  }
  return r;
}

async function findRefund(db: Db, l: StatementLine): Promise<RefundRow | undefined> {
  const id = uuidOfHex(l.refundNo ?? '');
  if (!id) return undefined;
  const order = await db.selectFrom('payment_orders').select('customer_id').where('out_trade_no', '=', l.outTradeNo).executeTakeFirst();
  if (!order) return undefined;
  return paymentsDb(db).selectFrom('refunds').selectAll().where('customer_id', '=', order.customer_id).where('id', '=', id).executeTakeFirst();
}
