import { err, ok, type Result } from '../../../core/result.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { Fen } from '../../../core/money/fen.ts';
import type { Db } from '../../../adapters/db/tx.ts';

export interface CustomerCreditLine {
  limit: Fen;
  used: Fen;
  /** limit − used, never below zero (a line lowered under what is used has nothing available). A freeze does not change it: see `frozen`. */
  available: Fen;
  frozen: boolean;
  frozenReason: string | null;
  /** 溢缴款: overpayments held for the customer, refundable on request or used for the next repayment. */
  creditBalance: Fen;
}

export async function getCustomerCreditLine(db: Db, customerId: string): Promise<Result<CustomerCreditLine, DomainError>> {
  const line = await db.selectFrom('credit_lines').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  if (!line) return err(domainError('customer_not_found', 'this customer has no credit line'));
  return ok({
    limit: line.limit_fen, used: line.used_fen, available: Math.max(0, line.limit_fen - line.used_fen),
    frozen: line.frozen, frozenReason: line.frozen ? line.frozen_reason : null, creditBalance: line.credit_balance_fen,
  });
}
