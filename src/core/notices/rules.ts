import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { isBillKind, isNoticeKind, NOTICE_KINDS, PUSH_CHANNELS, type NoticeKind, type PushChannel } from './kinds.ts';

/**
 * What a deployment sends for each kind (the notice rules table), as data:
 *  - enabled: a disabled kind is accepted by enqueue and dropped (counted, not stored);
 *  - channels: push channels in fallback order; after the retries on one fail, the next is tried;
 *  - inbox: also put a copy in the in-app inbox the portal shows (never a fallback: a copy);
 *  - linkValidDays: how long the repayment link in it stays valid, counted from sending.
 */
export interface NoticeRule {
  enabled: boolean;
  channels: readonly PushChannel[];
  inbox: boolean;
  linkValidDays: number | null;
}
export type NoticeRules = Readonly<Record<NoticeKind, NoticeRule>>;

/**
 * Every notice that asks for payment carries a repayment link: a rule cannot switch it off.
 * This is the point of the whole feature (see shared/seed: customers went overdue because the
 * place to pay moved and the reminder said nothing usable).
 */
export const asksForPayment = (kind: NoticeKind): boolean =>
  isBillKind(kind) || kind === 'repayment_entrance_changed' || kind === 'repayment_link' ||
  kind === 'loan_transferred' || kind === 'due_date_protected';

const LINK_DAYS_MAX = 90;

/**
 * Defaults. SMS first for anything about money owed: in China it is the channel that reaches
 * everyone, and email addresses are optional. Receipts and confirmations go by email first
 * (a record to keep), SMS when there is no address. A link outlives its reminder by a week
 * or so; the overdue ones stay valid until the next overdue notice replaces them.
 */
const SMS_FIRST: readonly PushChannel[] = ['sms', 'email'];
const EMAIL_FIRST: readonly PushChannel[] = ['email', 'sms'];
const remind = (linkValidDays: number): NoticeRule => ({ enabled: true, channels: SMS_FIRST, inbox: true, linkValidDays });
const inform = (channels: readonly PushChannel[]): NoticeRule => ({ enabled: true, channels, inbox: true, linkValidDays: null });

export const DEFAULT_NOTICE_RULES: NoticeRules = {
  bill_ready: remind(15),
  due_in_3_days: remind(7),
  due_tomorrow: remind(7),
  due_today: remind(7),
  auto_debit_failed: remind(7),
  payment_received: inform(EMAIL_FIRST),
  overdue_1: remind(7),
  overdue_3: remind(7),
  overdue_7: remind(10),
  overdue_15: remind(15),
  overdue_30: remind(30),
  plan_paid_off: inform(EMAIL_FIRST),
  credit_line_changed: inform(SMS_FIRST),
  repayment_entrance_changed: remind(30),
  repayment_link: { enabled: true, channels: ['sms'], inbox: false, linkValidDays: 7 },
  // Both tell a customer that something changed behind the store while their way to pay did
  // not: the link in them is that way (shared/seed: the closed entrance and no usable notice).
  loan_transferred: remind(30),
  due_date_protected: remind(30),
};

/**
 * Applies a deployment's overrides (JSON, per kind, any subset of fields) to the defaults.
 * Unknown kinds or fields are refused rather than ignored: a typo in a rule must not
 * silently leave a reminder at its default.
 */
export function parseNoticeRules(overrides: unknown, base: NoticeRules = DEFAULT_NOTICE_RULES): Result<NoticeRules, DomainError> {
  if (overrides === undefined || overrides === null) return ok(base);
  if (typeof overrides !== 'object' || Array.isArray(overrides)) return err(invalid('notice rules must be an object keyed by notice kind'));
  const rules: Record<string, NoticeRule> = { ...base };
  for (const [kind, raw] of Object.entries(overrides as Record<string, unknown>)) {
    if (!isNoticeKind(kind)) return err(invalid(`unknown notice kind "${kind}"; kinds: ${NOTICE_KINDS.join(', ')}`));
    const rule = parseRule(kind, raw, base[kind]);
    if (!rule.ok) return rule;
    rules[kind] = rule.value;
  }
  return ok(rules as NoticeRules);
}

function parseRule(kind: NoticeKind, raw: unknown, base: NoticeRule): Result<NoticeRule, DomainError> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return err(invalid(`rule for ${kind} must be an object`));
  const r = raw as Record<string, unknown>;
  const unknownField = Object.keys(r).find((k) => !['enabled', 'channels', 'inbox', 'linkValidDays'].includes(k));
  if (unknownField) return err(invalid(`rule for ${kind}: unknown field "${unknownField}"`));
  const rule: NoticeRule = { ...base };
  if (r.enabled !== undefined) {
    if (typeof r.enabled !== 'boolean') return err(invalid(`rule for ${kind}: enabled must be true or false`));
    rule.enabled = r.enabled;
  }
  if (r.inbox !== undefined) {
    if (typeof r.inbox !== 'boolean') return err(invalid(`rule for ${kind}: inbox must be true or false`));
    rule.inbox = r.inbox;
  }
  if (r.channels !== undefined) {
    const list = r.channels;
    if (!Array.isArray(list) || list.some((c) => !(PUSH_CHANNELS as readonly unknown[]).includes(c)) || new Set(list).size !== list.length) {
      return err(invalid(`rule for ${kind}: channels must be a list of distinct channels among ${PUSH_CHANNELS.join(', ')}`));
    }
    rule.channels = list as PushChannel[];
  }
  if (r.linkValidDays !== undefined) {
    const d = r.linkValidDays;
    if (d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > LINK_DAYS_MAX)) {
      return err(invalid(`rule for ${kind}: linkValidDays must be a whole number from 1 to ${LINK_DAYS_MAX}`));
    }
    rule.linkValidDays = d as number | null;
  }
  if (asksForPayment(kind) && rule.linkValidDays === null) return err(invalid(`rule for ${kind}: a notice that asks for payment always carries a repayment link`));
  if (rule.enabled && rule.channels.length === 0 && !rule.inbox) return err(invalid(`rule for ${kind}: an enabled notice needs a channel or the inbox`));
  return ok(rule);
}

const invalid = (message: string): DomainError => domainError('validation_failed', message, 'noticeRules');

/**
 * Retries per channel, then fallback. backoffMs[n-1] is the wait after the n-th failed
 * attempt; when they are used up (or the failure is permanent: a bad number, a refused
 * template, a text too long) the next channel in the rule is tried at once.
 */
export interface RetryPolicy { backoffMs: readonly number[] }
export const DEFAULT_RETRY_POLICY: RetryPolicy = { backoffMs: [60_000, 5 * 60_000, 30 * 60_000] };

export type AfterFailure = { action: 'retry'; at: Date } | { action: 'fallback' } | { action: 'give_up' };

/** `attempts`: attempts made on this channel, the failed one included. */
export function afterFailure(policy: RetryPolicy, attempts: number, permanent: boolean, hasNextChannel: boolean, now: Date): AfterFailure {
  if (!permanent && attempts <= policy.backoffMs.length) return { action: 'retry', at: new Date(now.getTime() + policy.backoffMs[attempts - 1]!) };
  return hasNextChannel ? { action: 'fallback' } : { action: 'give_up' };
}
