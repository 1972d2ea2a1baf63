import { runTx, type Tx } from '../../adapters/db/tx.ts';
import { putInboxMessage } from '../../adapters/notify/inbox/inbox-store.ts';
import { deriveLinkKey, signLink } from '../../core/links/repayment-link.ts';
import type { NoticeKind, PushChannel } from '../../core/notices/kinds.ts';
import { isQuiet, nextSendableAt } from '../../core/notices/quiet-hours.ts';
import { afterFailure } from '../../core/notices/rules.ts';
import { smsLength, withSignature } from '../../core/notices/sms-length.ts';
import { scrubProviderText } from '../../core/notices/scrub.ts';
import { renderEmail, renderInbox, renderSms, type NoticeFacts } from '../../core/notices/templates.ts';
import type { AppDeps } from '../deps.ts';
import { linkExpiryDate, loadNoticeContent, type NoticeContent, type NoticeRow } from './notice-content.ts';
import type { NoticeServices, SendResult } from './ports.ts';
import { noticeServicesOf } from './services.ts';
import { intakeCloseOutbox } from './close-outbox-intake.ts';

export interface NoticeDispatchOptions {
  /** Notices claimed per round. */
  batchSize?: number;
  /** Sent at once within a round (providers rate-limit; PGlite serialises anyway). */
  concurrency?: number;
  /** How long a claim keeps other dispatchers off a notice; longer than any provider timeout. */
  leaseMs?: number;
}

export interface NoticeDispatchReport {
  claimed: number;
  sent: number;
  /** Failed on a channel, another attempt scheduled after the backoff. */
  retrying: number;
  /** SMS held back by quiet hours. */
  deferred: number;
  /** Every channel failed. */
  failed: number;
  /** Nothing to say any more (bill paid, account closed, kind disabled). */
  skipped: number;
  /** Found mid-send after a crash: not sent again (at most once). */
  unknown: number;
  /** Another dispatcher took it over (our lease ran out). */
  lost: number;
}
type Outcome = Exclude<keyof NoticeDispatchReport, 'claimed'>;

const DEFAULTS = { batchSize: 50, concurrency: 4, leaseMs: 120_000 };
const PROVIDER_OF_INBOX = 'inbox';

/**
 * Sends the notices that are due. Like the webhook dispatcher, no transaction is held over
 * a network call (GUIDE rule 7): claim due rows under a lease, commit; then per notice load
 * what it says now, mark it as being sent, call the provider, and record the outcome in one
 * short transaction guarded by the lease. Retries wait per the rule's backoff; when a
 * channel is used up (or fails for good) the next channel in the rule is tried at once.
 */
export async function dispatchNotices(deps: AppDeps, options: NoticeDispatchOptions = {}): Promise<NoticeDispatchReport> {
  const o = { ...DEFAULTS, ...options };
  const services = noticeServicesOf(deps);
  const claimed = await claimDue(deps, o.batchSize, o.leaseMs);
  const report: NoticeDispatchReport = { claimed: claimed.length, sent: 0, retrying: 0, deferred: 0, failed: 0, skipped: 0, unknown: 0, lost: 0 };
  const queue = [...claimed];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) report[await processNotice(deps, services, row)]++;
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, claimed.length) }, worker));
  return report;
}

async function claimDue(deps: AppDeps, batchSize: number, leaseMs: number): Promise<NoticeRow[]> {
  const now = deps.clock.now();
  return runTx(deps.db, async (tx) => {
    const due = await tx.selectFrom('notices').select(['customer_id', 'id']).where('status', '=', 'pending').where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('next_attempt_at').limit(batchSize).forUpdate().skipLocked().execute();
    if (due.length === 0) return [];
    const lease = new Date(now.getTime() + leaseMs);
    return tx.updateTable('notices').set({ lease_until: lease, updated_at: now })
      .where((eb) => eb.or(due.map((d) => eb.and([eb('customer_id', '=', d.customer_id), eb('id', '=', d.id)]))))
      .returningAll().execute();
  });
}

/** What a step changes on the notice, plus the delivery record it writes. */
interface Step {
  notice: Partial<{ status: NoticeRow['status']; channel_index: number; attempts: number; next_attempt_at: Date; sent_channel: string; sent_at: Date; outcome: string | null }>;
  delivery?: { channel: PushChannel | 'inbox'; provider: string; status: 'sent' | 'failed' | 'deferred' | 'skipped' | 'unknown'; permanent?: boolean; providerRef?: string | null; error?: string | null };
  /** Release the claim (the notice is done or waits for its next attempt). */
  release: boolean;
}

async function processNotice(deps: AppDeps, services: NoticeServices, row: NoticeRow): Promise<Outcome> {
  const { settings } = services;
  const kind = row.kind as NoticeKind;
  const lease = row.lease_until!;
  const commit = (step: Step, content: NoticeContent | null = null) => record(deps, services, row, lease, step, content);

  if (row.sending_since) {
    const ok = await commit({ notice: { status: 'unknown', outcome: 'the process stopped while a provider was being called; not sent again' }, delivery: { channel: row.channels[row.channel_index] as PushChannel, provider: 'unknown', status: 'unknown' }, release: true });
    return ok ? 'unknown' : 'lost';
  }
  const today = await deps.calendar.today();
  const content = await loadNoticeContent(deps, settings, row, today);
  if ('skip' in content || !settings.rules[kind].enabled) {
    const reason = 'skip' in content ? content.skip : 'disabled';
    return (await commit({ notice: { status: 'skipped', outcome: reason }, release: true })) ? 'skipped' : 'lost';
  }

  let index = row.channel_index;
  let attempts = row.attempts;
  for (;;) {
    const channel = row.channels[index] as PushChannel | undefined;
    if (!channel) {
      // No push channel left. An inbox-only rule has done its job; otherwise every channel failed.
      const inboxOnly = row.channels.length === 0;
      const ok = await commit({ notice: inboxOnly ? { status: 'sent', sent_channel: 'inbox', sent_at: deps.clock.now(), channel_index: index } : { status: 'failed', channel_index: index, attempts, outcome: 'every channel failed' }, release: true }, content);
      return ok ? (inboxOnly ? 'sent' : 'failed') : 'lost';
    }
    const address = content.addresses[channel];
    if (!address) {
      if (!(await commit({ notice: { channel_index: index + 1, attempts: 0 }, delivery: { channel, provider: 'none', status: 'skipped', error: `no ${channel === 'sms' ? 'phone number' : 'verified email address'} on file` }, release: false }, content))) return 'lost';
      index++; attempts = 0;
      continue;
    }
    const now = deps.clock.now();
    if (channel === 'sms' && settings.quietHours && isQuiet(now, settings.quietHours)) {
      const at = nextSendableAt(now, settings.quietHours);
      const ok = await commit({ notice: { next_attempt_at: at, channel_index: index, attempts }, delivery: { channel, provider: 'none', status: 'deferred', error: `quiet hours until ${at.toISOString()}` }, release: true }, content);
      return ok ? 'deferred' : 'lost';
    }
    const result = await sendOn(deps, services, row, channel, address, content, now);
    if (result === 'lost') return 'lost';
    if (result.ok) {
      const ok = await commit({ notice: { status: 'sent', sent_channel: channel, sent_at: deps.clock.now(), channel_index: index, attempts: attempts + 1, outcome: null }, delivery: { channel, provider: result.provider, status: 'sent', providerRef: result.providerRef }, release: true }, content);
      return ok ? 'sent' : 'lost';
    }
    attempts++;
    const next = afterFailure(settings.retry, attempts, result.permanent, index + 1 < row.channels.length, deps.clock.now());
    const delivery = { channel, provider: result.provider, status: 'failed' as const, permanent: result.permanent, error: result.error };
    if (next.action === 'retry') {
      const ok = await commit({ notice: { attempts, channel_index: index, next_attempt_at: next.at, outcome: result.error }, delivery, release: true }, content);
      return ok ? 'retrying' : 'lost';
    }
    if (next.action === 'give_up') {
      const ok = await commit({ notice: { status: 'failed', attempts, channel_index: index, outcome: result.error }, delivery, release: true }, content);
      return ok ? 'failed' : 'lost';
    }
    deps.log('notice falling back to the next channel', { notice: row.id, kind, from: channel, error: scrubProviderText(result.error) });
    if (!(await commit({ notice: { channel_index: index + 1, attempts: 0, outcome: result.error }, delivery, release: false }, content))) return 'lost';
    index++; attempts = 0;
  }
}

/**
 * Renders for the channel, signs a fresh link, marks the notice as being sent (so a crash
 * from here on is detected and never resent), then calls the provider.
 */
async function sendOn(deps: AppDeps, services: NoticeServices, row: NoticeRow, channel: PushChannel, address: string, content: NoticeContent, now: Date): Promise<SendResult | 'lost'> {
  const { settings, senders } = services;
  const kind = row.kind as NoticeKind;
  const brand = settings.brand[content.locale];
  const facts: NoticeFacts = { ...content.facts, ...linkFacts(deps, services, kind, content, now) };
  if (channel === 'sms') {
    const sms = renderSms(kind, content.locale, facts, brand);
    const length = smsLength(withSignature(sms.text, settings.sms.signName), settings.sms.countMode);
    if (length.segments > settings.sms.maxSegments) {
      return { ok: false, provider: senders.sms.provider, permanent: true, error: `text is ${length.units} characters, ${length.segments} SMS parts; at most ${settings.sms.maxSegments} allowed` };
    }
    if (!(await markSending(deps, row, now))) return 'lost';
    return guard(senders.sms.provider, () => senders.sms.send({ to: address, text: sms.text, template: { kind, locale: content.locale, params: sms.params, paramOrder: sms.paramOrder }, reference: row.id }));
  }
  const email = renderEmail(kind, content.locale, facts, brand);
  if (!(await markSending(deps, row, now))) return 'lost';
  return guard(senders.email.provider, () => senders.email.send({ to: address, ...email, reference: row.id }));
}

/** An adapter that throws (a bug, an unexpected library error) counts as a transient failure, not a crash of the round. */
async function guard(provider: string, send: () => Promise<SendResult>): Promise<SendResult> {
  try { return await send(); } catch (e) { return { ok: false, provider, permanent: false, error: `adapter error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) }; }
}

function linkFacts(deps: AppDeps, services: NoticeServices, kind: NoticeKind, content: NoticeContent, now: Date): Pick<NoticeFacts, 'link' | 'linkExpiresOn'> {
  const days = services.settings.rules[kind].linkValidDays;
  if (!content.linkTarget || days === null) return {};
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const token = signLink(deriveLinkKey(deps.secret), content.linkTarget, expiresAt);
  return { link: `${services.settings.publicUrl}/r/${token}`, linkExpiresOn: linkExpiryDate(expiresAt) };
}

async function markSending(deps: AppDeps, row: NoticeRow, at: Date): Promise<boolean> {
  const r = await deps.db.updateTable('notices').set({ sending_since: at, updated_at: at })
    .where('customer_id', '=', row.customer_id).where('id', '=', row.id).where('lease_until', '=', row.lease_until!).where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

class LeaseLost extends Error {}

/**
 * Writes one step in one transaction: the delivery record, the inbox copy (the first time
 * the notice gets this far), and the notice's new state — only if our claim still holds.
 */
async function record(deps: AppDeps, services: NoticeServices, row: NoticeRow, lease: Date, step: Step, content: NoticeContent | null): Promise<boolean> {
  const at = deps.clock.now();
  const outcome = step.notice.outcome ? { outcome: scrubProviderText(step.notice.outcome).slice(0, 500) } : {};
  try {
    await runTx(deps.db, async (tx) => {
      const updated = await tx.updateTable('notices').set({
        ...step.notice, ...outcome, sending_since: null, updated_at: at, ...(step.release ? { lease_until: null } : {}),
        ...(content && row.inbox && !row.inboxed_at ? { inboxed_at: at } : {}),
      }).where('customer_id', '=', row.customer_id).where('id', '=', row.id).where('lease_until', '=', lease).where('status', '=', 'pending').executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLost();
      if (step.delivery) await writeDelivery(deps, tx, row, step.delivery, at);
      if (content && row.inbox && !row.inboxed_at) await writeInbox(deps, services, tx, row, content, at);
    });
  } catch (e) {
    if (e instanceof LeaseLost) return false;
    throw e;
  }
  if (content && row.inbox && !row.inboxed_at) row.inboxed_at = at;
  return true;
}

async function writeDelivery(deps: AppDeps, tx: Tx, row: NoticeRow, d: NonNullable<Step['delivery']>, at: Date): Promise<void> {
  await tx.insertInto('notice_deliveries').values({
    customer_id: row.customer_id, id: deps.ids.next(), notice_id: row.id, channel: d.channel, provider: d.provider, status: d.status,
    permanent: d.permanent ?? false, provider_ref: d.providerRef ?? null, error: d.error ? scrubProviderText(d.error).slice(0, 500) : null, at,
  }).execute();
}

async function writeInbox(deps: AppDeps, services: NoticeServices, tx: Tx, row: NoticeRow, content: NoticeContent, at: Date): Promise<void> {
  const kind = row.kind as NoticeKind;
  const text = renderInbox(kind, content.locale, content.facts, services.settings.brand[content.locale]);
  await putInboxMessage(tx, { customerId: row.customer_id, id: deps.ids.next(), noticeId: row.id, kind, title: text.title, body: text.body, actionPath: content.actionPath, at });
  await writeDelivery(deps, tx, row, { channel: 'inbox', provider: PROVIDER_OF_INBOX, status: 'sent' }, at);
}

/**
 * Runs the dispatcher every `intervalMs` until stopped (`fenqi serve` should start it next to
 * the webhook dispatcher). Each round first takes in what the daily close queued
 * (close_outbox; `closeOutbox: false` turns that off). A round that claimed a full batch runs again at once, so the
 * morning's backlog after quiet hours drains without waiting. The returned function stops
 * it and waits for the round in progress.
 */
export function startNoticeDispatcher(deps: AppDeps, intervalMs = 5_000, options: NoticeDispatchOptions & { closeOutbox?: boolean } = {}): () => Promise<void> {
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    if (options.closeOutbox !== false) {
      // What the daily close queued becomes notices first; a failure here must not stop sending.
      try { await intakeCloseOutbox(deps); } catch (e) { deps.log('close outbox intake failed', { error: e instanceof Error ? e.message : String(e) }); }
    }
    try {
      while (!stopped && (await dispatchNotices(deps, options)).claimed >= batchSize) { /* drain the backlog */ }
    } catch (e) {
      deps.log('notice dispatcher round failed', { error: e instanceof Error ? e.message : String(e) });
    }
    if (!stopped) {
      timer = setTimeout(() => { running = round(); }, intervalMs);
      timer.unref();
    }
  };
  let running = round();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
