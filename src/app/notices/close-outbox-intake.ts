import { addDays, toEpochDay, type BusinessDate } from '../../core/calendar/business-date.ts';
import { overdueDaysOf, type NoticeKind } from '../../core/notices/kinds.ts';
import { sql } from 'kysely';
import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { enqueueNotices, type EnqueueReport, type NoticeRequest } from './enqueue-notice.ts';

/** The close_outbox kinds that are notices (the close also queues auto_debit, which is not). */
const OUTBOX_NOTICE_KINDS = ['due_in_3_days', 'due_tomorrow', 'due_today', 'overdue_1', 'overdue_3', 'overdue_7', 'overdue_15', 'overdue_30'] as const satisfies readonly NoticeKind[];
const DAYS_BEFORE_DUE: Record<string, number> = { due_in_3_days: 3, due_tomorrow: 1, due_today: 0 };

/**
 * The bill an outbox item is about. The close counts days from the due date to send_on
 * (core/close/outbox-rules.ts): a reminder n days before, an overdue notice n days after.
 */
export function dueDateOfOutboxItem(kind: string, sendOn: BusinessDate): BusinessDate | null {
  if (kind in DAYS_BEFORE_DUE) return addDays(sendOn, DAYS_BEFORE_DUE[kind]!);
  const after = overdueDaysOf(kind as NoticeKind);
  return after === null ? null : addDays(sendOn, -after);
}

interface OutboxItem { customer_id: string; plan_id: string; installment_number: number; kind: string; business_date: BusinessDate; send_on: BusinessDate }

export interface IntakeReport extends EnqueueReport { taken: number }

/**
 * Turns what the daily close queued in close_outbox into notices, once: items whose day has
 * come (send_on ≤ the open business date) are claimed with SKIP LOCKED, enqueued (deduped per
 * bill, so a customer's two plans due together give one reminder) and marked consumed in the
 * same transaction. Nothing goes out before send_on starts in Shanghai.
 */
export async function intakeCloseOutbox(deps: AppDeps, batchSize = 2_000): Promise<IntakeReport> {
  const total: IntakeReport = { taken: 0, enqueued: 0, duplicates: 0, disabled: 0 };
  const today = await deps.calendar.today();
  for (;;) {
    const taken = await runTx(deps.db, async (tx) => {
      const at = deps.clock.now();
      // Claimed and marked consumed in one statement (the enqueue below commits or rolls back with it).
      // The rows are found again by primary key under the lock just taken (customer first, so
      // the statement stays routable when the table is distributed by customer).
      const marked = await sql<OutboxItem>`
        update close_outbox set consumed_at = ${at}
        where (customer_id, plan_id, installment_number, kind, business_date) in (
          select customer_id, plan_id, installment_number, kind, business_date from close_outbox
          where consumed_at is null and send_on <= ${today}::date and kind = any(${[...OUTBOX_NOTICE_KINDS]}::text[])
          order by send_on limit ${batchSize} for update skip locked)
        returning customer_id, plan_id, installment_number, kind, business_date, send_on`.execute(tx);
      if (marked.rows.length === 0) return 0;
      // RETURNING follows the join's order: back to the order the items were due in.
      const rows = marked.rows.sort((a, b) => (a.send_on < b.send_on ? -1 : a.send_on > b.send_on ? 1 : 0));
      const requests: NoticeRequest[] = rows.map((r) => ({
        kind: r.kind as NoticeKind, customerId: r.customer_id, businessDate: r.business_date, dueDate: dueDateOfOutboxItem(r.kind, r.send_on),
        planId: r.plan_id, installmentNumber: r.installment_number, notBefore: startOfShanghaiDay(r.send_on),
      }));
      const report = await enqueueNotices(deps, tx, at, requests);
      if (!report.ok) throw new Error(`close outbox item not enqueued: ${report.error.message}`);
      total.enqueued += report.value.enqueued; total.duplicates += report.value.duplicates; total.disabled += report.value.disabled;
      return rows.length;
    });
    total.taken += taken;
    if (taken < batchSize) return total;
  }
}

const startOfShanghaiDay = (date: BusinessDate): Date => new Date(toEpochDay(date) * 86_400_000 - 8 * 3_600_000);
