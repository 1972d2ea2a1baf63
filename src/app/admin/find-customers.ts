import { sql } from 'kysely';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { getCreditLine, type CreditLineRow } from './get-credit-line.ts';
import { pageLimit, pageOf, type Page, type PageInput } from './paging.ts';

/** What operators see of a customer: the masked phone only. The full number is a separate, audited reveal. */
export interface CustomerRow {
  id: string; phone_masked: string | null; status: 'active' | 'cancelled'; statement_day: number; due_day: number;
  created_at: Date; cancelled_at: Date | null;
}
export interface CustomerPlanLine {
  id: string; merchant_id: string; merchant_order_id: string; product_id: string; status: string; terms: number;
  financed_fen: number; outstanding_fen: number; overdue_installments: number; created_at: Date;
}
export interface CustomerSummary { customer: CustomerRow; line: CreditLineRow; plans: CustomerPlanLine[] }

const COLUMNS = ['id', 'phone_masked', 'status', 'statement_day', 'due_day', 'created_at', 'cancelled_at'] as const;

export async function listCustomers(db: Db, input: PageInput & { status?: 'active' | 'cancelled' }): Promise<Page<CustomerRow>> {
  const limit = pageLimit(input);
  let q = db.selectFrom('customers').select(COLUMNS);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.cursor) q = q.where('id', '<', input.cursor);
  return pageOf(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** A customer, their credit line and each plan with what is outstanding and overdue on `today`. */
export async function customerSummary(db: Db | Tx, customerId: string, today: BusinessDate): Promise<Result<CustomerSummary, DomainError>> {
  const customer = await db.selectFrom('customers').select(COLUMNS).where('id', '=', customerId).executeTakeFirst();
  if (!customer) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  const line = await getCreditLine(db, customerId);
  if (!line.ok) return line;
  const plans = await sql<CustomerPlanLine>`
    select p.id::text, p.merchant_id::text, p.merchant_order_id, p.product_id::text, p.status, p.terms, p.financed_fen, p.created_at,
      coalesce(sum(i.principal_fen + i.interest_fen + i.fee_fen + i.penalty_fen
        - i.paid_principal_fen - i.paid_interest_fen - i.paid_fee_fen - i.paid_penalty_fen
        - i.waived_principal_fen - i.waived_interest_fen - i.waived_fee_fen - i.waived_penalty_fen), 0)::bigint as outstanding_fen,
      (count(*) filter (where i.settled_on is null and i.due_date + p.grace_days < ${today}::date))::int as overdue_installments
    from plans p left join installments i on i.customer_id = p.customer_id and i.plan_id = p.id
    where p.customer_id = ${customerId}
    group by p.customer_id, p.id order by p.created_at desc, p.id desc`.execute(db);
  return ok({ customer, line: line.value, plans: plans.rows });
}
