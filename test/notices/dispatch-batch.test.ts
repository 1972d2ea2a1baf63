import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadNoticeContent } from '../../src/app/notices/notice-content.ts';
import { loadNoticeContents } from '../../src/app/notices/notice-contents.ts';
import { noticeServicesOf } from '../../src/app/notices/services.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { simulateInProcess, type SimRun } from '../simulate/support.ts';

/**
 * The batch dispatcher reads a claimed batch's content in bulk (notice-contents.ts). On a
 * simulated book — bills paid, unpaid, overdue and returned, receipts, paid-off plans — it
 * must say exactly what the one-notice reader says for every notice, on several days.
 */
describe('notices: bulk content reads equal the one-notice reader', () => {
  let run: SimRun;
  before(async () => { run = await simulateInProcess({ customers: 16, months: 2, seed: 21 }); });
  after(async () => { await run.handle.close(); });

  it('gives the same content or skip reason for every notice of a simulated book', async () => {
    const { deps } = run;
    const settings = noticeServicesOf(deps).settings;
    const rows = await deps.db.selectFrom('notices').selectAll().orderBy('customer_id').orderBy('id').execute();
    assert.ok(rows.length >= 40, `a book with notices to compare (${rows.length})`);
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of ['bill_ready', 'due_today', 'payment_received']) assert.ok(kinds.has(k), `notices of kind ${k}`);
    const last = run.report.parameters.to;
    for (const today of [addDays(last, -20), addDays(last, -3), last]) {
      const bulk = await loadNoticeContents(deps, settings, rows, today);
      let content = 0;
      for (const row of rows) {
        const one = await loadNoticeContent(deps, settings, row, today);
        assert.deepEqual(bulk.get(row.id), one, `${row.kind} ${row.id} on ${today}`);
        if (!('skip' in one)) content++;
      }
      assert.ok(content > 0, `some notices still have something to say on ${today}`);
    }
  });
});
