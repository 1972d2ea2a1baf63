import { parseBusinessDate, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { subjectOf, type NoticeKind } from './kinds.ts';

export interface DedupInput {
  kind: NoticeKind;
  /** The business date the notice belongs to (the close date that queued it, the day of the event). */
  businessDate: BusinessDate;
  dueDate?: BusinessDate | null;
  planId?: string | null;
  installmentNumber?: number | null;
  /** The event a notice announces (a repayment id, a limit change, an announcement id). */
  ref?: string | null;
}

/**
 * The key that makes a notice unique per customer (stored under a unique index, so the same
 * notice enqueued twice — a re-run close, a retried request, two plans due together — is
 * one row and one message):
 *  - bill kinds: kind + the bill (its due date) + the date. The plan and installment are not
 *    in it on purpose: every installment of a customer due on one date is one bill, and the
 *    customer gets one reminder for its total.
 *  - plan kinds: kind + plan + installment + date.
 *  - events: kind + the event's reference, without the date, so an event announced again
 *    on a later day is still announced once.
 */
export function noticeDedupKey(n: DedupInput): Result<string, DomainError> {
  if (!parseBusinessDate(n.businessDate, 'businessDate').ok) return err(domainError('date_invalid', 'businessDate must be YYYY-MM-DD', 'businessDate'));
  switch (subjectOf(n.kind)) {
    case 'bill':
      if (!n.dueDate || !parseBusinessDate(n.dueDate).ok) return err(domainError('validation_failed', `a ${n.kind} notice needs the bill's dueDate`, 'dueDate'));
      return ok(`${n.kind}:bill:${n.dueDate}:${n.businessDate}`);
    case 'plan':
      if (!n.planId) return err(domainError('validation_failed', `a ${n.kind} notice needs its planId`, 'planId'));
      return ok(`${n.kind}:plan:${n.planId}:${n.installmentNumber ?? '-'}:${n.businessDate}`);
    case 'event':
      if (!n.ref || n.ref.length > 200) return err(domainError('validation_failed', `a ${n.kind} notice needs a ref (1–200 characters) naming the event`, 'ref'));
      return ok(`${n.kind}:ref:${n.ref}`);
  }
}
