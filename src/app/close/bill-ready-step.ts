import { sql } from 'kysely';
import { toEpochDay, type BusinessDate } from '../../core/calendar/business-date.ts';
import { BUCKET_COUNT } from '../../core/close/close-settings.ts';
import { cyclesWithStatementOn } from '../../core/close/bill-statements.ts';
import { sendOnFor } from '../../core/close/outbox-rules.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { enqueueNotices, type NoticeRequest } from '../notices/enqueue-notice.ts';
import type { CloseDateStep } from './date-steps.ts';

/** Customer-hash buckets per statement: one indexed range scan each, so memory is one slice of the day's bills, never all of them. */
const BUCKETS_PER_SLICE = 16;

/**
 * 出账: the close of date D makes the bills whose statement date is D + 1 (the day the close
 * queues everything for, outbox-rules.ts sendOnFor) and enqueues one bill_ready notice per
 * customer bill — a customer with two plans due on the same date gets one notice for the
 * bill, not one per plan (the notice's dedup key is the bill's due date). A bill with nothing
 * left to pay (paid early) gets none. The notice carries no amount: the dispatcher reads the
 * bill when it sends. Re-running is harmless: the dedup key makes the second enqueue a no-op.
 */
export const billReadyStep: CloseDateStep = {
  name: 'bill_ready',
  async run(deps: AppDeps, date: BusinessDate) {
    const statementDate = sendOnFor(date);
    const cycles = cyclesWithStatementOn(statementDate);
    const counts = { billsReady: 0, billReadyEnqueued: 0 };
    const notBefore = new Date(toEpochDay(statementDate) * 86_400_000 - 8 * 3_600_000); // 00:00 in Shanghai
    const values = sql.join(cycles.map((c) => sql`(${c.statementDay}::int, ${c.dueDay}::int, ${c.dueDate}::date)`));
    for (let from = 0; from < BUCKET_COUNT; from += BUCKETS_PER_SLICE) {
      await runTx(deps.db, async (tx) => {
        const bills = await sql<{ customer_id: string; due_date: string }>`
          select distinct i.customer_id, v.due_date from (values ${values}) as v(statement_day, due_day, due_date)
          join installments i on i.due_date = v.due_date and i.settled_on is null
            and (uuid_hash(i.customer_id) & 1023) between ${from}::int and ${from + BUCKETS_PER_SLICE - 1}::int
          join customers c on c.id = i.customer_id and c.statement_day = v.statement_day and c.due_day = v.due_day
          where exists (select 1 from plans p where p.customer_id = i.customer_id and p.id = i.plan_id and p.status = 'active')`.execute(tx);
        if (bills.rows.length === 0) return;
        const requests: NoticeRequest[] = bills.rows.map((b) => ({ kind: 'bill_ready', customerId: b.customer_id, businessDate: date, dueDate: b.due_date, notBefore }));
        const r = await enqueueNotices(deps, tx, deps.clock.now(), requests);
        if (!r.ok) throw new Error(`bill_ready notices not enqueued: ${r.error.message}`);
        counts.billsReady += bills.rows.length;
        counts.billReadyEnqueued += r.value.enqueued;
      });
    }
    return counts;
  },
};
