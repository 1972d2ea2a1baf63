import { sql } from 'kysely';
import type { Tx } from '../../adapters/db/tx.ts';

export interface PlanOwed { planId: string; owedFen: number }

/**
 * What a customer still owes on open plans (pending or active): every installment's amounts
 * less what was paid and waived, due or not yet due, derived from the installments rather
 * than any stored total so it cannot drift from the schedule.
 */
export async function amountsOwed(tx: Tx, customerId: string): Promise<PlanOwed[]> {
  const rows = await sql<{ plan_id: string; owed: number }>`
    select i.plan_id, sum(
      (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
      + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) + (i.penalty_fen - i.paid_penalty_fen - i.waived_penalty_fen))::bigint as owed
    from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id
    where i.customer_id = ${customerId} and p.status in ('pending', 'active')
    group by i.plan_id
    having sum(
      (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
      + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) + (i.penalty_fen - i.paid_penalty_fen - i.waived_penalty_fen)) > 0
    order by i.plan_id`.execute(tx);
  return rows.rows.map((r) => ({ planId: r.plan_id, owedFen: Number(r.owed) }));
}
