import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ReportedLine } from '../../core/credit-report/corrections.ts';
import { csvHead, csvRow, jsonItem, jsonOpen, JSON_CLOSE, type FileFormat, type FileLine, type ReportKind } from '../../core/credit-report/file-format.ts';
import type { ReportStatus } from '../../core/credit-report/account-as-of.ts';
import { parseReportMonth, type ReportMonth } from '../../core/credit-report/report-month.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';

export interface ReportRun { month: string; version: number; kind: ReportKind; lines: number; businessDate: string; actor: string; createdAt: string }

interface LineRow {
  customer_id: string; plan_id: string; version: number; customer_ref: string; phone_masked: string | null; open_date: string; loan_fen: number;
  credit_line_fen: number; balance_fen: number; amount_due_fen: number; amount_overdue_fen: number; days_past_due: number; status: ReportStatus;
  payment_history: string; supersedes: number | null; changed_fields: string | null;
}

const toFileLine = (r: LineRow): FileLine => ({
  accountId: r.plan_id, customerRef: r.customer_ref, phoneMasked: r.phone_masked, openDate: r.open_date, loan: r.loan_fen, creditLine: r.credit_line_fen,
  balance: r.balance_fen, amountDue: r.amount_due_fen, amountOverdue: r.amount_overdue_fen, daysPastDue: r.days_past_due, status: r.status,
  paymentHistory: r.payment_history, supersedes: r.supersedes, changedFields: r.changed_fields ? r.changed_fields.split(';') : [],
});

/** One run of a month at a time, across processes: a second waits and then sees the first one's lines. */
export async function lockMonth(tx: Tx, month: ReportMonth): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`fenqi:credit-report:${month.month}`}))`.execute(tx);
}

export async function latestRun(db: Db | Tx, month: ReportMonth): Promise<ReportRun | undefined> {
  const r = await sql<RunRow>`select * from credit_report_runs where report_month = ${month.end}::date order by version desc limit 1`.execute(db);
  return r.rows[0] && toRun(r.rows[0]);
}

export async function findRun(db: Db | Tx, month: ReportMonth, version: number): Promise<ReportRun | undefined> {
  const r = await sql<RunRow>`select * from credit_report_runs where report_month = ${month.end}::date and version = ${version}`.execute(db);
  return r.rows[0] && toRun(r.rows[0]);
}

export async function listRuns(db: Db, o: { limit: number; before?: string }): Promise<ReportRun[]> {
  const r = await sql<RunRow>`select * from credit_report_runs ${o.before ? sql`where report_month < ${o.before}::date` : sql``}
    order by report_month desc, version desc limit ${o.limit}`.execute(db);
  return r.rows.map(toRun);
}

interface RunRow { report_month: string; version: number; kind: ReportKind; lines: number; business_date: string; actor: string; created_at: Date | string }
const toRun = (r: RunRow): ReportRun => ({
  month: r.report_month.slice(0, 7), version: r.version, kind: r.kind, lines: r.lines, businessDate: r.business_date, actor: r.actor, createdAt: new Date(r.created_at).toISOString(),
});

/** The lines in force for these accounts in the month, each with the version that reported it. */
export async function linesInForce(tx: Tx, month: ReportMonth, keys: RawBuilder<unknown>): Promise<Map<string, ReportedLine>> {
  const r = await sql<LineRow>`select * from credit_report_lines
    where (customer_id, plan_id) in (select * from ${keys} as k(c, p)) and report_month = ${month.end}::date and superseded_by is null`.execute(tx);
  return new Map(r.rows.map((row) => [row.plan_id, { line: toFileLine(row), version: row.version }]));
}

/** Stores new lines; on a correction, marks the lines they replace as superseded by this version. */
export async function storeLines(tx: Tx, month: ReportMonth, version: number, lines: readonly (FileLine & { customerId: string })[]): Promise<void> {
  if (lines.length === 0) return;
  // This part's tables are not in the shared adapters/db/schema.ts types (owned elsewhere).
  await (tx as unknown as Kysely<any>).insertInto('credit_report_lines').values(lines.map((l) => ({
    customer_id: l.customerId, plan_id: l.accountId, report_month: month.end, version, customer_ref: l.customerRef, phone_masked: l.phoneMasked,
    open_date: l.openDate, loan_fen: l.loan, credit_line_fen: l.creditLine, balance_fen: l.balance, amount_due_fen: l.amountDue,
    amount_overdue_fen: l.amountOverdue, days_past_due: l.daysPastDue, status: l.status, payment_history: l.paymentHistory,
    supersedes: l.supersedes, changed_fields: l.changedFields.length ? l.changedFields.join(';') : null, superseded_by: null,
  }))).execute();
  const replaced = lines.filter((l) => l.supersedes !== null);
  if (replaced.length === 0) return;
  await sql`update credit_report_lines c set superseded_by = ${version}
    from (values ${sql.join(replaced.map((l) => sql`(${l.customerId}::uuid, ${l.accountId}::uuid, ${l.supersedes}::int)`))}) as v(customer_id, plan_id, version)
    where c.customer_id = v.customer_id and c.plan_id = v.plan_id and c.report_month = ${month.end}::date and c.version = v.version`.execute(tx);
}

export async function insertRun(tx: Tx, month: ReportMonth, run: { version: number; kind: ReportKind; lines: number; businessDate: string; actor: string; at: Date }): Promise<ReportRun> {
  await sql`insert into credit_report_runs (report_month, version, kind, lines, business_date, actor, created_at)
    values (${month.end}::date, ${run.version}, ${run.kind}, ${run.lines}, ${run.businessDate}::date, ${run.actor}, ${run.at})`.execute(tx);
  return { month: month.month, version: run.version, kind: run.kind, lines: run.lines, businessDate: run.businessDate, actor: run.actor, createdAt: run.at.toISOString() };
}

const FILE_PAGE = 2000;

/**
 * The file a run produced, in account order, page by page (keyset on the file index), so a
 * month of millions of accounts is written without holding it in memory. The file is made
 * only from stored lines: the same run always gives the same bytes.
 */
export async function* reportFile(db: Db, run: ReportRun, format: FileFormat): AsyncGenerator<string> {
  const month = parseReportMonth(run.month);
  if (!month.ok) throw new Error(`stored run has a bad month ${run.month}`);
  const meta = { month: month.value, kind: run.kind, version: run.version, lines: run.lines };
  yield format === 'csv' ? csvHead(meta) : jsonOpen(meta);
  let after: string | null = null;
  let first = true;
  for (;;) {
    const page: { rows: LineRow[] } = await sql<LineRow>`select * from credit_report_lines where report_month = ${month.value.end}::date and version = ${run.version}
      ${after ? sql`and plan_id > ${after}::uuid` : sql``} order by plan_id limit ${FILE_PAGE}`.execute(db);
    if (page.rows.length === 0) break;
    let chunk = '';
    for (const row of page.rows) {
      chunk += format === 'csv' ? csvRow(run.kind, toFileLine(row)) : jsonItem(run.kind, toFileLine(row), first);
      first = false;
    }
    yield chunk;
    after = page.rows[page.rows.length - 1]!.plan_id;
  }
  if (format === 'json') yield JSON_CLOSE;
}
