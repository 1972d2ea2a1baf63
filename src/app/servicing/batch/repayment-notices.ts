import { sql, type RawBuilder } from 'kysely';
import { invariant } from '../../../core/result.ts';
import type { AppDeps } from '../../deps.ts';
import { noticeRowsFor, type NoticeRequest } from '../../notices/enqueue-notice.ts';
import type { PostedRepayment } from '../post-repayment.ts';

/**
 * What a posted repayment tells the customer: a receipt (payment_received, keyed by the
 * repayment, so a replayed request never sends a second one) and plan_paid_off for each plan
 * it paid off. Money taken from the customer's own credit balance is not a payment received:
 * it has no receipt, but a plan it pays off is announced.
 */
export function repaymentNotices(r: PostedRepayment, channel: string): NoticeRequest[] {
  const notices: NoticeRequest[] = [];
  if (channel !== 'credit_balance') {
    notices.push({
      kind: 'payment_received', customerId: r.customerId, businessDate: r.businessDate, ref: r.repaymentId,
      facts: { amountFen: r.amount, paidOn: r.businessDate },
    });
  }
  for (const planId of r.paidOffPlanIds) {
    notices.push({ kind: 'plan_paid_off', customerId: r.customerId, businessDate: r.businessDate, planId, ref: r.repaymentId });
  }
  return notices;
}

/**
 * The batch's notices as one INSERT fragment for its write statement (one-statement.ts), so
 * queuing them costs no round trip of its own. The rows are enqueueNotices' own
 * (noticeRowsFor: the deployment's rule per kind, the same dedup key), inserted with the same
 * ON CONFLICT DO NOTHING on (customer_id, dedup_key), so a notice already queued is not queued
 * twice. The requests are built above, so a malformed one is a bug (an invariant).
 */
export function repaymentNoticesWrite(deps: AppDeps, at: Date, requests: readonly NoticeRequest[]): RawBuilder<unknown> {
  const planned = noticeRowsFor(deps, at, requests);
  invariant(planned.ok, `repayment notices are well formed${planned.ok ? '' : `: ${planned.error.message}`}`);
  const rows = planned.value.rows.map((n) => [
    n.customer_id, n.id, n.kind, n.dedup_key, n.business_date, n.plan_id, n.installment_number, n.due_date, n.facts, n.channels, n.inbox,
  ]);
  return sql`
    insert into notices (customer_id, id, kind, dedup_key, business_date, plan_id, installment_number, due_date, facts, channels, inbox, status,
      next_attempt_at, created_at, updated_at)
    select (n->>0)::uuid, (n->>1)::uuid, n->>2, n->>3, (n->>4)::date, (n->>5)::uuid, (n->>6)::int, (n->>7)::date, (n->>8)::jsonb, (n->>9)::jsonb, (n->>10)::boolean,
      'pending', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
    from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as n
    on conflict (customer_id, dedup_key) do nothing`;
}
