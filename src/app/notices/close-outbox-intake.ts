import { addDays, toEpochDay, type BusinessDate } from '../../core/calendar/business-date.ts';
import { overdueDaysOf, type NoticeKind } from '../../core/notices/kinds.ts';
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
      const rows = await tx.selectFrom('close_outbox').select(['customer_id', 'plan_id', 'installment_number', 'kind', 'business_date', 'send_on'])
        .where('consumed_at', 'is', null).where('send_on', '<=', today).where('kind', 'in', OUTBOX_NOTICE_KINDS)
        .orderBy('send_on').limit(batchSize).forUpdate().skipLocked().execute();
      if (rows.length === 0) return 0;
      const at = deps.clock.now();
      const requests: NoticeRequest[] = rows.map((r) => ({
        kind: r.kind as NoticeKind, customerId: r.customer_id, businessDate: r.business_date, dueDate: dueDateOfOutboxItem(r.kind, r.send_on),
        planId: r.plan_id, installmentNumber: r.installment_number, notBefore: startOfShanghaiDay(r.send_on),
      }));
      const report = await enqueueNotices(deps, tx, at, requests);
      if (!report.ok) throw new Error(`close outbox item not enqueued: ${report.error.message}`);
      await tx.updateTable('close_outbox').set({ consumed_at: at })
        .where((eb) => eb.or(rows.map((r) => eb.and([
          eb('customer_id', '=', r.customer_id), eb('plan_id', '=', r.plan_id), eb('installment_number', '=', r.installment_number),
          eb('kind', '=', r.kind), eb('business_date', '=', r.business_date),
        ])))).execute();
      total.enqueued += report.value.enqueued; total.duplicates += report.value.duplicates; total.disabled += report.value.disabled;
      return rows.length;
    });
    total.taken += taken;
    if (taken < batchSize) return total;
  }
}

const startOfShanghaiDay = (date: BusinessDate): Date => new Date(toEpochDay(date) * 86_400_000 - 8 * 3_600_000);
