import { formatYuan } from '../money/parse.ts';
import type { CreditReportLine } from './report-line.ts';
import type { ReportMonth } from './report-month.ts';

/**
 * The credit report file, documented in docs/credit-report-format.md. The format version is
 * on the first line of every file; a change to columns or meanings is a new version, never
 * an edit of this one.
 */
export const FORMAT_VERSION = 1;
export const FORMAT_NAME = 'fenqi-credit-report';

export type ReportKind = 'full' | 'corrections';
export interface FileMeta { month: ReportMonth; kind: ReportKind; version: number; lines: number }
/** A line as stored: on a correction, the version it replaces and the fields that changed ('added' for a new account). */
export interface FileLine extends CreditReportLine { supersedes: number | null; changedFields: readonly string[] }

export const CSV_COLUMNS = [
  'record', 'account_id', 'customer_ref', 'phone_masked', 'open_date', 'loan_amount', 'credit_line', 'balance', 'amount_due',
  'amount_overdue', 'days_past_due', 'status', 'payment_history_24m', 'supersedes_version', 'changed_fields',
] as const;

/** 'A' an account in a month's full file; 'C' a corrected account in a corrections file. */
const recordType = (kind: ReportKind) => (kind === 'full' ? 'A' : 'C');

export function csvHead(meta: FileMeta): string {
  return `#${FORMAT_NAME},format=${FORMAT_VERSION},month=${meta.month.month},as_of=${meta.month.end},kind=${meta.kind},version=${meta.version},lines=${meta.lines}\n${CSV_COLUMNS.join(',')}\n`;
}

export function csvRow(kind: ReportKind, l: FileLine): string {
  return [
    recordType(kind), l.accountId, l.customerRef, l.phoneMasked ?? '', l.openDate, formatYuan(l.loan), formatYuan(l.creditLine), formatYuan(l.balance),
    formatYuan(l.amountDue), formatYuan(l.amountOverdue), String(l.daysPastDue), l.status, l.paymentHistory, l.supersedes === null ? '' : String(l.supersedes),
    l.changedFields.join(';'),
  ].map(csvField).join(',') + '\n';
}

/** Every value above is plain ASCII without commas today; quoting stays so a future text field cannot break a row. */
function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export interface JsonAccount {
  record: 'A' | 'C'; accountId: string; customerRef: string; phoneMasked: string | null; openDate: string; loanAmount: string; creditLine: string;
  balance: string; amountDue: string; amountOverdue: string; daysPastDue: number; status: string; paymentHistory24m: string;
  supersedesVersion: number | null; changedFields: string[];
}

export function jsonAccount(kind: ReportKind, l: FileLine): JsonAccount {
  return {
    record: recordType(kind), accountId: l.accountId, customerRef: l.customerRef, phoneMasked: l.phoneMasked, openDate: l.openDate,
    loanAmount: formatYuan(l.loan), creditLine: formatYuan(l.creditLine), balance: formatYuan(l.balance), amountDue: formatYuan(l.amountDue),
    amountOverdue: formatYuan(l.amountOverdue), daysPastDue: l.daysPastDue, status: l.status, paymentHistory24m: l.paymentHistory,
    supersedesVersion: l.supersedes, changedFields: [...l.changedFields],
  };
}

/** JSON is written in pieces (opening, one account per line, closing) so a month of millions of accounts streams. */
export function jsonOpen(meta: FileMeta): string {
  const head = { format: FORMAT_NAME, formatVersion: FORMAT_VERSION, month: meta.month.month, asOf: meta.month.end, kind: meta.kind, version: meta.version, lines: meta.lines };
  return `${JSON.stringify(head).slice(0, -1)},"accounts":[\n`;
}
export const jsonItem = (kind: ReportKind, l: FileLine, first: boolean): string => `${first ? '' : ',\n'}${JSON.stringify(jsonAccount(kind, l))}`;
export const JSON_CLOSE = '\n]}\n';

export type FileFormat = 'csv' | 'json';

/** A whole file at once: for small months and tests; the adapters stream the same pieces. */
export function renderFile(meta: FileMeta, lines: readonly FileLine[], format: FileFormat): string {
  if (format === 'csv') return csvHead(meta) + lines.map((l) => csvRow(meta.kind, l)).join('');
  return jsonOpen(meta) + lines.map((l, i) => jsonItem(meta.kind, l, i === 0)).join('') + JSON_CLOSE;
}
