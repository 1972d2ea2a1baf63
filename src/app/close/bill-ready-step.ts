import { sql } from 'kysely';
import { toEpochDay, type BusinessDate } from '../../core/calendar/business-date.ts';
import { cyclesWithStatementOn } from '../../core/close/bill-statements.ts';
import { sendOnFor } from '../../core/close/outbox-rules.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { enqueueNotices, type NoticeRequest } from '../notices/enqueue-notice.ts';
import type { CloseDateStep } from './date-steps.ts';

/** Customers per statement: memory is one page of the day's bills, never all of them. */
const CUSTOMERS_PER_PAGE = 5000;
const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * 出账: the close of date D makes the bills whose statement date is D + 1 (the day the close
 * queues everything for, outbox-rules.ts sendOnFor) and enqueues one bill_ready notice per
 * customer bill — a customer with two plans due on the same date gets one notice for the
 * bill, not one per plan (the notice's dedup key is the bill's due date). A bill with nothing
 * left to pay (paid early) gets none. The notice carries no amount: the dispatcher reads the
 * bill when it sends. Re-running is harmless: the dedup key makes the second enqueue a no-op.
 *
 * Driven from the customers whose cycle has its statement on that date (index
 * customers_statement_cycle, migration 0015), a keyset page at a time, then their installments
 * by primary key: the work is proportional to the day's bills. (Driving it from installments
 * due on the cycles' due dates read every open installment of a popular due date — 1M rows at
 * 1M plans — to find the few customers whose statement day it was.)
 */
export const billReadyStep: CloseDateStep = {
  name: 'bill_ready',
  async run(deps: AppDeps, date: BusinessDate) {
    const statementDate = sendOnFor(date);
    const cycles = cyclesWithStatementOn(statementDate);
    const counts = { billsReady: 0, billReadyEnqueued: 0 };
    if (cycles.length === 0) return counts;
    const notBefore = new Date(toEpochDay(statementDate) * 86_400_000 - 8 * 3_600_000); // 00:00 in Shanghai
    const values = sql.join(cycles.map((c) => sql`(${c.statementDay}::int, ${c.dueDay}::int, ${c.dueDate}::date)`));
    for (let after: string | null = NIL; after !== null;) {
      const from: string = after;
      after = await runTx(deps.db, async (tx) => {
        const r = await sql<{ customer_id: string | null; due_date: string | null; last: string | null; n: number }>`
          with page as (
            select c.id, v.due_date from (values ${values}) as v(statement_day, due_day, due_date)
            join customers c on c.statement_day = v.statement_day and c.due_day = v.due_day and c.id > ${from}::uuid
            order by c.id limit ${CUSTOMERS_PER_PAGE}::int
          )
          select b.customer_id, b.due_date, (select id from page order by id desc limit 1)::text as last, (select count(*) from page)::int as n from (select 1) as one
          left join lateral (
            select distinct page.id as customer_id, page.due_date from page
            join installments i on i.customer_id = page.id and i.due_date = page.due_date and i.settled_on is null
            where exists (select 1 from plans p where p.customer_id = i.customer_id and p.id = i.plan_id and p.status = 'active')
          ) b on true`.execute(tx);
        const head = r.rows[0];
        const last = head && head.n >= CUSTOMERS_PER_PAGE ? head.last : null;
        const bills = r.rows.flatMap((b) => (b.customer_id !== null && b.due_date !== null ? [{ customer_id: b.customer_id, due_date: b.due_date }] : []));
        if (bills.length > 0) {
          const requests: NoticeRequest[] = bills.map((b) => ({ kind: 'bill_ready', customerId: b.customer_id, businessDate: date, dueDate: b.due_date, notBefore }));
          const q = await enqueueNotices(deps, tx, deps.clock.now(), requests);
          if (!q.ok) throw new Error(`bill_ready notices not enqueued: ${q.error.message}`);
          counts.billsReady += bills.length;
          counts.billReadyEnqueued += q.value.enqueued;
        }
        return last;
      });
    }
    return counts;
  },
};
