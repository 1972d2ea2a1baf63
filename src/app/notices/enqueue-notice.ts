import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { noticeDedupKey } from '../../core/notices/dedup.ts';
import { isNoticeKind, type NoticeKind } from '../../core/notices/kinds.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import type { TxContext } from '../context.ts';
import { noticeServicesOf } from './services.ts';
import { isUuid } from '../../core/ids.ts';

/**
 * What a caller asks to be told to a customer. Bill notices name the bill (dueDate) and
 * nothing about amounts: the dispatcher reads the bill when it sends, so the figure is the
 * one owed at that moment, and a bill paid in between is not reminded at all. Events carry
 * the facts of the event (a receipt's amount), which do not change later.
 */
export interface NoticeRequest {
  kind: NoticeKind;
  customerId: string;
  /** The business date the notice belongs to: the close date that queued it, the day of the event. */
  businessDate: BusinessDate;
  /** Bill kinds: the bill's due date. */
  dueDate?: BusinessDate | null;
  /** The plan and installment it came from (kept for the record; required for plan_paid_off). */
  planId?: string | null;
  installmentNumber?: number | null;
  /** Events: what makes this one unique (repayment id, credit-limit change id, announcement id). */
  ref?: string | null;
  facts?: EventFacts;
  /** Not before this instant (default: now). SMS quiet hours are applied on top when sending. */
  notBefore?: Date;
}

/** Facts an event notice carries; checked per kind. */
export interface EventFacts {
  amountFen?: Fen;
  paidOn?: BusinessDate;
  oldLimitFen?: Fen;
  newLimitFen?: Fen;
  /** repayment_entrance_changed: where to pay from now on, in words, and from when. */
  entrance?: string;
  effectiveDate?: BusinessDate;
  /** loan_transferred: the funder the plans moved to (with effectiveDate). */
  lender?: string;
  /** due_date_protected: the bill's own due date (dueDate) and the date it moved to. */
  newDueDate?: BusinessDate;
}

export interface EnqueueReport {
  /** New notices stored. */
  enqueued: number;
  /** Already there under the same dedup key (or twice in this batch): nothing added. */
  duplicates: number;
  /** Their kind is disabled by the deployment's rules: dropped. */
  disabled: number;
}

const CHUNK = 1_000;

/**
 * A name cut to fit a fact's limit (UTF-16 units, as validated) without splitting a character:
 * a partner or entrance name longer than a notice allows must not fail the change it announces.
 */
export function shortName(name: string, max: number): string {
  const chars = Array.from(name);
  while (chars.join('').length > max) chars.pop();
  return chars.join('');
}

/**
 * Enqueues notices in the caller's transaction (GUIDE rule 4: the notice commits or rolls
 * back with the change it announces). Batched for the daily close: one INSERT … ON CONFLICT
 * DO NOTHING per thousand rows; the unique (customer_id, dedup_key) makes a re-run, or two
 * plans on one bill, a no-op. An invalid request is a caller bug and fails the whole batch.
 */
export async function enqueueNotices(deps: AppDeps, tx: Tx | Db, at: Date, requests: readonly NoticeRequest[]): Promise<Result<EnqueueReport, DomainError>> {
  const planned = noticeRowsFor(deps, at, requests);
  if (!planned.ok) return planned;
  const { rows: all, report } = planned.value;
  for (let i = 0; i < all.length; i += CHUNK) {
    // One jsonb parameter per chunk rather than fourteen bound parameters per row (the close's
    // intake enqueues thousands at once); facts and channels go in as the JSON they are.
    const chunk = all.slice(i, i + CHUNK).map((r) => ({ ...r, facts: JSON.parse(r.facts) as unknown, channels: JSON.parse(r.channels) as unknown }));
    const inserted = await sql<{ id: string }>`
      insert into notices (customer_id, id, kind, dedup_key, business_date, plan_id, installment_number, due_date, facts, channels, inbox, status, next_attempt_at, created_at, updated_at)
      select customer_id, id, kind, dedup_key, business_date, plan_id, installment_number, due_date, facts, channels, inbox, status, next_attempt_at, created_at, updated_at
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as v(
        customer_id uuid, id uuid, kind text, dedup_key text, business_date date, plan_id uuid, installment_number int, due_date date,
        facts jsonb, channels jsonb, inbox boolean, status text, next_attempt_at timestamptz, created_at timestamptz, updated_at timestamptz)
      on conflict (customer_id, dedup_key) do nothing
      returning id`.execute(tx);
    report.enqueued += inserted.rows.length;
    report.duplicates += Math.min(CHUNK, all.length - i) - inserted.rows.length;
  }
  return ok(report);
}

export type NewNoticeRow = ReturnType<typeof rowOf>;

/**
 * The rows enqueueNotices stores for these requests, without storing them: each checked, the
 * deployment's rule applied (a disabled kind dropped and counted, its channels and inbox copied),
 * one row per dedup key. For callers that fold the INSERT into a statement of their own (the
 * repayment write); `enqueued` is left to whoever inserts.
 */
export function noticeRowsFor(deps: AppDeps, at: Date, requests: readonly NoticeRequest[]): Result<{ rows: NewNoticeRow[]; report: EnqueueReport }, DomainError> {
  const { rules } = noticeServicesOf(deps).settings;
  const rows = new Map<string, NewNoticeRow>();
  const report: EnqueueReport = { enqueued: 0, duplicates: 0, disabled: 0 };
  for (const [i, r] of requests.entries()) {
    const checked = validate(r);
    if (!checked.ok) return err({ ...checked.error, message: `notice ${i}: ${checked.error.message}` });
    const rule = rules[r.kind];
    if (!rule.enabled) { report.disabled++; continue; }
    const key = `${r.customerId}\u0000${checked.value}`;
    if (rows.has(key)) { report.duplicates++; continue; }
    rows.set(key, rowOf(deps, r, checked.value, rule.channels, rule.inbox, at));
  }
  return ok({ rows: [...rows.values()], report });
}

/** One notice from a use case, in its transaction. */
export async function enqueueNotice(ctx: TxContext, request: NoticeRequest): Promise<Result<EnqueueReport, DomainError>> {
  return enqueueNotices(ctx.deps, ctx.tx, ctx.at, [request]);
}

function rowOf(deps: AppDeps, r: NoticeRequest, dedupKey: string, channels: readonly string[], inbox: boolean, at: Date) {
  return {
    customer_id: r.customerId, id: deps.ids.next(), kind: r.kind, dedup_key: dedupKey, business_date: r.businessDate,
    plan_id: r.planId ?? null, installment_number: r.installmentNumber ?? null, due_date: r.dueDate ?? null,
    facts: JSON.stringify(r.facts ?? {}), channels: JSON.stringify(channels), inbox, status: 'pending' as const,
    next_attempt_at: r.notBefore && r.notBefore > at ? r.notBefore : at, created_at: at, updated_at: at,
  };
}

const isFen = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isDate = (v: unknown): boolean => typeof v === 'string' && parseBusinessDate(v).ok;

function validate(r: NoticeRequest): Result<string, DomainError> {
  if (!isNoticeKind(r.kind)) return err(domainError('validation_failed', `unknown notice kind "${String(r.kind)}"`, 'kind'));
  if (!isUuid(r.customerId)) return err(domainError('validation_failed', 'customerId must be a UUID', 'customerId'));
  if (r.planId && !isUuid(r.planId)) return err(domainError('validation_failed', 'planId must be a UUID', 'planId'));
  const f = r.facts ?? {};
  const need = (ok: boolean, what: string): Result<void, DomainError> => (ok ? { ok: true, value: undefined } : err(domainError('validation_failed', `a ${r.kind} notice needs ${what}`, 'facts')));
  const checks: Partial<Record<NoticeKind, Result<void, DomainError>>> = {
    payment_received: need(isFen(f.amountFen) && isDate(f.paidOn), 'facts.amountFen and facts.paidOn'),
    credit_line_changed: need(isFen(f.oldLimitFen) && isFen(f.newLimitFen), 'facts.oldLimitFen and facts.newLimitFen'),
    repayment_entrance_changed: need(typeof f.entrance === 'string' && f.entrance.length > 0 && f.entrance.length <= 40 && isDate(f.effectiveDate), 'facts.entrance (1–40 characters) and facts.effectiveDate'),
    loan_transferred: need(typeof f.lender === 'string' && f.lender.length > 0 && f.lender.length <= 40 && isDate(f.effectiveDate), 'facts.lender (1–40 characters) and facts.effectiveDate'),
    due_date_protected: need(isDate(r.dueDate) && isDate(f.newDueDate) && f.newDueDate! > r.dueDate!, 'dueDate and a later facts.newDueDate'),
  };
  const check = checks[r.kind];
  if (check && !check.ok) return check;
  return noticeDedupKey(r);
}
