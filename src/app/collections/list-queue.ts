import { sql } from 'kysely';
import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { seesEveryCase } from './case-access.ts';

export interface QueueFilter { bucket?: string; agentId?: string; limit: number }

export interface QueueItem {
  caseId: string; customerId: string; planId: string; bucket: string; daysPastDue: number; agentId: string | null;
  openedOn: string; phoneMasked: string | null; overdueFen: number; openPromise: { promisedOn: string; amountFen: number } | null;
}

/**
 * The open collection cases, most overdue first. Agents see their own; supervisors and
 * auditors see all and may filter by agent. Phones are only ever the masked copy.
 */
export async function listQueue(ctx: TxContext, filter: QueueFilter): Promise<Result<QueueItem[], DomainError>> {
  const agent = seesEveryCase(ctx) ? filter.agentId ?? null : ctx.actor.id;
  const rows = await sql<{
    id: string; customer_id: string; plan_id: string; bucket: string; days_past_due: number; agent_id: string | null; opened_on: string;
    phone_masked: string | null; overdue_fen: number; promised_on: string | null; promise_fen: number | null;
  }>`
    select c.id, c.customer_id, c.plan_id, c.bucket, c.days_past_due, c.agent_id, c.opened_on, cu.phone_masked,
      (select coalesce(sum(i.principal_fen + i.interest_fen + i.fee_fen + i.penalty_fen - i.paid_principal_fen - i.paid_interest_fen - i.paid_fee_fen
         - i.paid_penalty_fen - i.waived_principal_fen - i.waived_interest_fen - i.waived_fee_fen - i.waived_penalty_fen), 0)
       from installments i where i.customer_id = c.customer_id and i.plan_id = c.plan_id and i.due_date < ${ctx.businessDate}::date)::bigint as overdue_fen,
      pp.promised_on, pp.amount_fen as promise_fen
    from collection_cases c join customers cu on cu.id = c.customer_id
    left join lateral (select promised_on, amount_fen from payment_promises p where p.customer_id = c.customer_id and p.case_id = c.id and p.status = 'open'
      order by promised_on limit 1) pp on true
    where c.status = 'open' ${agent ? sql`and c.agent_id = ${agent}::uuid` : sql``} ${filter.bucket ? sql`and c.bucket = ${filter.bucket}` : sql``}
    order by c.days_past_due desc, c.opened_on, c.id limit ${filter.limit}`.execute(ctx.tx);
  return ok(rows.rows.map((r) => ({
    caseId: r.id, customerId: r.customer_id, planId: r.plan_id, bucket: r.bucket, daysPastDue: r.days_past_due, agentId: r.agent_id,
    openedOn: r.opened_on, phoneMasked: r.phone_masked, overdueFen: Number(r.overdue_fen),
    openPromise: r.promised_on ? { promisedOn: r.promised_on, amountFen: Number(r.promise_fen) } : null,
  })));
}
