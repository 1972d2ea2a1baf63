import { err, ok, type Result } from '../../../core/result.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import type { Component } from '../../../core/ledger/accounts.ts';
import type { Fen } from '../../../core/money/fen.ts';
import type { Db } from '../../../adapters/db/tx.ts';
import { readSnapshot } from './snapshot.ts';

export interface AllocationLine { planId: string; installmentNumber: number; component: Component; amount: Fen }

export interface RepaymentRecord {
  id: string;
  kind: string;
  amount: Fen;
  applied: Fen;
  toCreditBalance: Fen;
  /** Collected outside any installment (an early-repayment fee). */
  charges: Fen;
  channel: string;
  status: 'posted' | 'reversed';
  businessDate: BusinessDate;
  createdAt: Date;
  reversedAt: Date | null;
  reversalReason: string | null;
  allocations: AllocationLine[];
  /** What the same repayment forgave (an early payoff's future interest and fees). */
  waived: AllocationLine[];
}

/** Keyset position: the last row of the previous page. Stable under inserts, unlike an offset. */
export interface RepaymentCursor { createdAt: Date; id: string }
export interface RepaymentPage { items: RepaymentRecord[]; next: RepaymentCursor | null }

export const REPAYMENT_PAGE_MAX = 100;

export function encodeCursor(c: RepaymentCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(text: string): Result<RepaymentCursor, DomainError> {
  const bad = err(domainError('validation_failed', 'cursor is not one this API gave out', 'cursor'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return bad;
    const createdAt = new Date(parsed[0]);
    if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(parsed[1])) return bad;
    return ok({ createdAt, id: parsed[1] });
  } catch {
    return bad;
  }
}

/** The customer's repayments, newest first, with where every fen went. */
export async function listCustomerRepayments(db: Db, customerId: string, limit: number, after?: RepaymentCursor): Promise<RepaymentPage> {
  return readSnapshot(db, async (tx) => {
    let query = tx.selectFrom('repayments').selectAll().where('customer_id', '=', customerId);
    if (after) {
      query = query.where((eb) => eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const ids = page.map((r) => r.id);
    if (ids.length === 0) return { items: [], next: null };
    const allocations = await tx.selectFrom('allocations').selectAll()
      .where('customer_id', '=', customerId).where('repayment_id', 'in', ids).orderBy('repayment_id').orderBy('seq').execute();
    const waivers = await tx.selectFrom('waivers').selectAll()
      .where('customer_id', '=', customerId).where('repayment_id', 'in', ids).orderBy('plan_id').orderBy('installment_number').orderBy('id').execute();
    const line = (r: { plan_id: string; installment_number: number; component: Component; amount_fen: number }): AllocationLine =>
      ({ planId: r.plan_id, installmentNumber: r.installment_number, component: r.component, amount: r.amount_fen });
    const items = page.map((r): RepaymentRecord => ({
      id: r.id, kind: r.kind, amount: r.amount_fen, applied: r.applied_fen, toCreditBalance: r.to_credit_balance_fen, charges: r.charges_fen,
      channel: r.channel, status: r.status, businessDate: r.business_date, createdAt: new Date(r.created_at), reversedAt: r.reversed_at ? new Date(r.reversed_at) : null,
      reversalReason: r.reversal_reason,
      allocations: allocations.filter((a) => a.repayment_id === r.id).map(line),
      waived: waivers.filter((w) => w.repayment_id === r.id).map(line),
    }));
    const last = page.at(-1);
    return { items, next: rows.length > limit && last ? { createdAt: new Date(last.created_at), id: last.id } : null };
  });
}
