import { sql, type Insertable } from 'kysely';
import { runTx } from '../../adapters/db/tx.ts';
import type { InboxMessagesTable, NoticeDeliveriesTable } from '../../adapters/db/schema.ts';
import { deriveLinkKey, signLink } from '../../core/links/repayment-link.ts';
import type { NoticeKind, PushChannel } from '../../core/notices/kinds.ts';
import { isQuiet, nextSendableAt } from '../../core/notices/quiet-hours.ts';
import { afterFailure } from '../../core/notices/rules.ts';
import { smsLength, withSignature } from '../../core/notices/sms-length.ts';
import { scrubProviderText } from '../../core/notices/scrub.ts';
import { renderEmail, renderInbox, renderSms, type NoticeFacts } from '../../core/notices/templates.ts';
import type { AppDeps } from '../deps.ts';
import { linkExpiryDate, type NoticeContent, type NoticeRow } from './notice-content.ts';
import { loadNoticeContents } from './notice-contents.ts';
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
 * Sends the notices that are due, a claimed batch at a time. Like the webhook dispatcher, no
 * transaction is held over a network call (GUIDE rule 7): claim due rows under a lease,
 * commit; read what every claimed notice says now (notice-contents.ts, a few reads for the
 * whole batch); then in rounds: ONE transaction records every outcome decided so far and
 * marks the notices about to be sent as being sent (guarded by the lease, so a crash from
 * there on is found and never resent: at most once per notice, hence per dedup key), the
 * providers are called, and the next round records what they answered. A batch where every
 * provider answers on the first try is two rounds; retries wait per the rule's backoff, and
 * when a channel is used up (or fails for good) the next channel is tried in the next round.
 */
export async function dispatchNotices(deps: AppDeps, options: NoticeDispatchOptions = {}): Promise<NoticeDispatchReport> {
  const o = { ...DEFAULTS, ...options };
  const services = noticeServicesOf(deps);
  const claimed = await claimDue(deps, o.batchSize, o.leaseMs);
  const report: NoticeDispatchReport = { claimed: claimed.length, sent: 0, retrying: 0, deferred: 0, failed: 0, skipped: 0, unknown: 0, lost: 0 };
  if (claimed.length === 0) return report;
  const jobs = claimed.map((row): Job => ({ row, lease: row.lease_until!, content: null, index: row.channel_index, attempts: row.attempts, steps: [], send: null, outcome: null }));
  const fresh: Job[] = [];
  for (const job of jobs) {
    if (job.row.sending_since) {
      finish(job, 'unknown', { notice: { status: 'unknown', outcome: 'the process stopped while a provider was being called; not sent again' }, delivery: { channel: job.row.channels[job.row.channel_index] as PushChannel, provider: 'unknown', status: 'unknown' }, release: true, withContent: false });
    } else fresh.push(job);
  }
  const today = await deps.calendar.today();
  const contents = await loadNoticeContents(deps, services.settings, fresh.map((j) => j.row), today);
  for (const job of fresh) {
    const content = contents.get(job.row.id)!;
    if ('skip' in content || !services.settings.rules[job.row.kind as NoticeKind].enabled) {
      finish(job, 'skipped', { notice: { status: 'skipped', outcome: 'skip' in content ? content.skip : 'disabled' }, release: true, withContent: false });
      continue;
    }
    job.content = content;
    advance(deps, services, job);
  }
  for (;;) {
    await commitRound(deps, services, jobs.filter((j) => j.steps.length > 0 || j.send));
    const sending = jobs.filter((j) => j.send);
    if (sending.length === 0) break;
    await pool(sending, o.concurrency, async (job) => {
      const send = job.send!;
      job.send = null;
      const result = await guard(send.provider, send.call);
      if (result.ok) {
        finish(job, 'sent', { notice: { status: 'sent', sent_channel: send.channel, sent_at: deps.clock.now(), channel_index: job.index, attempts: job.attempts + 1, outcome: null }, delivery: { channel: send.channel, provider: result.provider, status: 'sent', providerRef: result.providerRef }, release: true, withContent: true });
      } else if (failed(deps, services, job, send.channel, result)) {
        advance(deps, services, job);
      }
    });
  }
  for (const job of jobs) report[job.outcome ?? 'lost']++;
  return report;
}

/**
 * Claims up to `batchSize` due notices under a lease, earliest first, in ONE statement: the
 * due rows are locked (SKIP LOCKED, so two dispatchers never claim the same notice) and
 * leased by the same UPDATE, which finds them again by primary key (customer first, as every
 * statement here addresses rows, so the claim stays routable when the table is distributed by
 * customer). One statement is atomic on its own: no transaction around it, and no OR of every
 * claimed key to plan.
 */
async function claimDue(deps: AppDeps, batchSize: number, leaseMs: number): Promise<NoticeRow[]> {
  const now = deps.clock.now();
  const lease = new Date(now.getTime() + leaseMs);
  const r = await sql<NoticeRow>`
    update notices set lease_until = ${lease}, updated_at = ${now}
    where (customer_id, id) in (
      select customer_id, id from notices
      where status = 'pending' and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
      order by next_attempt_at limit ${batchSize} for update skip locked)
    returning *`.execute(deps.db);
  // RETURNING follows the join's order: back to earliest due first, as claimed.
  return r.rows.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime());
}

/** What a step changes on the notice, plus the delivery record it writes. */
interface Step {
  notice: Partial<{ status: NoticeRow['status']; channel_index: number; attempts: number; next_attempt_at: Date; sent_channel: string; sent_at: Date; outcome: string | null }>;
  delivery?: { channel: PushChannel | 'inbox'; provider: string; status: 'sent' | 'failed' | 'deferred' | 'skipped' | 'unknown'; permanent?: boolean; providerRef?: string | null; error?: string | null };
  /** Release the claim (the notice is done or waits for its next attempt). */
  release: boolean;
  /** The notice's content was read: its inbox copy goes with the first such step. */
  withContent: boolean;
}

/** One claimed notice on its way through the rounds of a batch. */
interface Job {
  row: NoticeRow;
  lease: Date;
  content: NoticeContent | null;
  index: number;
  attempts: number;
  /** Decided, not yet committed. */
  steps: Step[];
  /** A provider call to make once the notice is marked as being sent. */
  send: { channel: PushChannel; provider: string; call: () => Promise<SendResult> } | null;
  outcome: Outcome | null;
}

function finish(job: Job, outcome: Outcome, step: Step): void {
  job.steps.push(step);
  job.outcome = outcome;
}

/**
 * Walks the notice's channels from where it stands until it is done or needs a provider:
 * a channel without an address is skipped, SMS waits out quiet hours, a text too long for
 * the SMS rules fails as a provider would; otherwise the message is rendered and queued.
 */
function advance(deps: AppDeps, services: NoticeServices, job: Job): void {
  const { settings } = services;
  const { row } = job;
  const content = job.content!;
  for (;;) {
    const channel = row.channels[job.index] as PushChannel | undefined;
    if (!channel) {
      // No push channel left. An inbox-only rule has done its job; otherwise every channel failed.
      const inboxOnly = row.channels.length === 0;
      finish(job, inboxOnly ? 'sent' : 'failed', { notice: inboxOnly ? { status: 'sent', sent_channel: 'inbox', sent_at: deps.clock.now(), channel_index: job.index } : { status: 'failed', channel_index: job.index, attempts: job.attempts, outcome: 'every channel failed' }, release: true, withContent: true });
      return;
    }
    const address = content.addresses[channel];
    if (!address) {
      job.steps.push({ notice: { channel_index: job.index + 1, attempts: 0 }, delivery: { channel, provider: 'none', status: 'skipped', error: `no ${channel === 'sms' ? 'phone number' : 'verified email address'} on file` }, release: false, withContent: true });
      job.index++; job.attempts = 0;
      continue;
    }
    const now = deps.clock.now();
    if (channel === 'sms' && settings.quietHours && isQuiet(now, settings.quietHours)) {
      const at = nextSendableAt(now, settings.quietHours);
      finish(job, 'deferred', { notice: { next_attempt_at: at, channel_index: job.index, attempts: job.attempts }, delivery: { channel, provider: 'none', status: 'deferred', error: `quiet hours until ${at.toISOString()}` }, release: true, withContent: true });
      return;
    }
    const send = prepareSend(deps, services, row, channel, address, content, now);
    if ('call' in send) { job.send = send; return; }
    if (!failed(deps, services, job, channel, send)) return;
  }
}

/** A failed attempt: retry later, give up, or (true) fall back to the next channel at once. */
function failed(deps: AppDeps, services: NoticeServices, job: Job, channel: PushChannel, result: Extract<SendResult, { ok: false }>): boolean {
  job.attempts++;
  const { row } = job;
  const next = afterFailure(services.settings.retry, job.attempts, result.permanent, job.index + 1 < row.channels.length, deps.clock.now());
  const delivery = { channel, provider: result.provider, status: 'failed' as const, permanent: result.permanent, error: result.error };
  if (next.action === 'retry') {
    finish(job, 'retrying', { notice: { attempts: job.attempts, channel_index: job.index, next_attempt_at: next.at, outcome: result.error }, delivery, release: true, withContent: true });
    return false;
  }
  if (next.action === 'give_up') {
    finish(job, 'failed', { notice: { status: 'failed', attempts: job.attempts, channel_index: job.index, outcome: result.error }, delivery, release: true, withContent: true });
    return false;
  }
  deps.log('notice falling back to the next channel', { notice: row.id, kind: row.kind, from: channel, error: scrubProviderText(result.error) });
  job.steps.push({ notice: { channel_index: job.index + 1, attempts: 0, outcome: result.error }, delivery, release: false, withContent: true });
  job.index++; job.attempts = 0;
  return true;
}

/**
 * Renders for the channel with a freshly signed link; the provider is called only after the
 * notice is marked as being sent. An SMS longer than the rules allow fails here, for good.
 */
function prepareSend(
  deps: AppDeps, services: NoticeServices, row: NoticeRow, channel: PushChannel, address: string, content: NoticeContent, now: Date,
): NonNullable<Job['send']> | Extract<SendResult, { ok: false }> {
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
    return { channel, provider: senders.sms.provider, call: () => senders.sms.send({ to: address, text: sms.text, template: { kind, locale: content.locale, params: sms.params, paramOrder: sms.paramOrder }, reference: row.id }) };
  }
  const email = renderEmail(kind, content.locale, facts, brand);
  return { channel, provider: senders.email.provider, call: () => senders.email.send({ to: address, ...email, reference: row.id }) };
}

/** An adapter that throws (a bug, an unexpected library error) counts as a transient failure, not a crash of the round. */
async function guard(provider: string, send: () => Promise<SendResult>): Promise<SendResult> {
  try { return await send(); } catch (e) { return { ok: false, provider, permanent: false, error: `adapter error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) }; }
}

function linkFacts(deps: AppDeps, services: NoticeServices, kind: NoticeKind, content: NoticeContent, now: Date): Pick<NoticeFacts, 'link' | 'linkExpiresOn'> {
  const days = services.settings.rules[kind].linkValidDays;
  if (!content.linkTarget || days === null) return {};
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const token = signLink(linkKeyOf(deps.secret), content.linkTarget, expiresAt);
  return { link: `${services.settings.publicUrl}/r/${token}`, linkExpiresOn: linkExpiryDate(expiresAt) };
}

/** The link key is derived once per secret, not twice an HMAC per notice. */
const linkKeys = new Map<string, Buffer>();
function linkKeyOf(secret: string): Buffer {
  let key = linkKeys.get(secret);
  if (!key) { key = deriveLinkKey(secret); linkKeys.set(secret, key); }
  return key;
}

/** Runs `work` over `items`, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await work(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/** Rows per statement: one JSON parameter for the notices, a few thousand parameters for the inserts. */
const CHUNK = 1_000;

/**
 * One round's writes in one transaction: each job's decided steps folded into its notice
 * row's new state — marked as being sent when a provider call follows — by ONE update
 * guarded by each job's lease; then, for the notices whose lease still held, their delivery
 * records and inbox copies (the first time a notice gets this far), in step order. A job
 * whose lease was lost writes nothing and sends nothing.
 */
async function commitRound(deps: AppDeps, services: NoticeServices, jobs: readonly Job[]): Promise<void> {
  if (jobs.length === 0) return;
  const at = deps.clock.now();
  const states = jobs.map((job) => nextState(job, at));
  const held = await runTx(deps.db, async (tx) => {
    const held = new Set<string>();
    for (let i = 0; i < states.length; i += CHUNK) {
      const r = await sql<{ id: string }>`
        update notices n set status = v.status, channel_index = v.channel_index, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
          sent_channel = v.sent_channel, sent_at = v.sent_at, outcome = v.outcome, lease_until = v.lease_until, sending_since = v.sending_since,
          inboxed_at = v.inboxed_at, updated_at = ${at}
        from jsonb_to_recordset(${JSON.stringify(states.slice(i, i + CHUNK))}::jsonb) as v(
          customer_id uuid, id uuid, lease timestamptz, status text, channel_index int, attempts int, next_attempt_at timestamptz,
          sent_channel text, sent_at timestamptz, outcome text, lease_until timestamptz, sending_since timestamptz, inboxed_at timestamptz)
        where n.customer_id = v.customer_id and n.id = v.id and n.lease_until = v.lease and n.status = 'pending'
        returning n.id::text as id`.execute(tx);
      for (const row of r.rows) held.add(row.id);
    }
    const writes = recordsOf(deps, services, jobs.filter((j) => held.has(j.row.id)), at);
    // Rows go in as ONE jsonb parameter per chunk, not ten bound parameters per row: the embedded
    // database spends more on binding thousands of parameters than on the insert itself.
    for (let i = 0; i < writes.deliveries.length; i += CHUNK) {
      await sql`
        insert into notice_deliveries (customer_id, id, notice_id, channel, provider, status, permanent, provider_ref, error, at)
        select customer_id, id, notice_id, channel, provider, status, permanent, provider_ref, error, at
        from jsonb_to_recordset(${JSON.stringify(writes.deliveries.slice(i, i + CHUNK))}::jsonb) as v(
          customer_id uuid, id uuid, notice_id uuid, channel text, provider text, status text, permanent boolean, provider_ref text, error text, at timestamptz)`.execute(tx);
    }
    for (let i = 0; i < writes.inbox.length; i += CHUNK) {
      await sql`
        insert into inbox_messages (customer_id, id, notice_id, kind, title, body, action_path, created_at, read_at)
        select customer_id, id, notice_id, kind, title, body, action_path, created_at, read_at
        from jsonb_to_recordset(${JSON.stringify(writes.inbox.slice(i, i + CHUNK))}::jsonb) as v(
          customer_id uuid, id uuid, notice_id uuid, kind text, title text, body text, action_path text, created_at timestamptz, read_at timestamptz)
        on conflict (customer_id, notice_id) where notice_id is not null do nothing`.execute(tx);
    }
    return held;
  });
  for (const job of jobs) {
    if (!held.has(job.row.id)) {
      job.outcome = 'lost';
      job.send = null;
    } else if (job.steps.some((s) => s.withContent) && job.row.inbox && !job.row.inboxed_at) {
      job.row.inboxed_at = at;
    }
    job.steps = [];
  }
}

/** The notice row after the job's steps (and its claim, or its release). */
function nextState(job: Job, at: Date) {
  const r = job.row;
  const state = {
    customer_id: r.customer_id, id: r.id, lease: job.lease, status: r.status, channel_index: r.channel_index, attempts: r.attempts,
    next_attempt_at: r.next_attempt_at, sent_channel: r.sent_channel, sent_at: r.sent_at, outcome: r.outcome,
    lease_until: job.lease as Date | null, sending_since: job.send ? at : null,
    inboxed_at: r.inbox && !r.inboxed_at && job.steps.some((s) => s.withContent) ? at : r.inboxed_at,
  };
  for (const step of job.steps) {
    const { outcome, ...rest } = step.notice;
    Object.assign(state, rest);
    if ('outcome' in step.notice) state.outcome = outcome ? scrubProviderText(outcome).slice(0, 500) : null;
    if (step.release) state.lease_until = null;
  }
  // The claim's row now says what was committed: the next round starts from it.
  Object.assign(r, { status: state.status, channel_index: state.channel_index, attempts: state.attempts, next_attempt_at: state.next_attempt_at, sent_channel: state.sent_channel, sent_at: state.sent_at, outcome: state.outcome });
  return state;
}

/** Delivery records and inbox copies, in the order the steps were taken (ids are time-ordered). */
function recordsOf(deps: AppDeps, services: NoticeServices, jobs: readonly Job[], at: Date) {
  const deliveries: Insertable<NoticeDeliveriesTable>[] = [];
  const inbox: Insertable<InboxMessagesTable>[] = [];
  const delivery = (row: NoticeRow, d: NonNullable<Step['delivery']>) => deliveries.push({
    customer_id: row.customer_id, id: deps.ids.next(), notice_id: row.id, channel: d.channel, provider: d.provider, status: d.status,
    permanent: d.permanent ?? false, provider_ref: d.providerRef ?? null, error: d.error ? scrubProviderText(d.error).slice(0, 500) : null, at,
  });
  for (const job of jobs) {
    const { row } = job;
    let inboxed = !row.inbox || row.inboxed_at !== null;
    for (const step of job.steps) {
      if (step.delivery) delivery(row, step.delivery);
      if (step.withContent && !inboxed) {
        inboxed = true;
        const kind = row.kind as NoticeKind;
        const content = job.content!;
        const text = renderInbox(kind, content.locale, content.facts, services.settings.brand[content.locale]);
        inbox.push({ customer_id: row.customer_id, id: deps.ids.next(), notice_id: row.id, kind, title: text.title, body: text.body, action_path: content.actionPath, created_at: at, read_at: null });
        delivery(row, { channel: 'inbox', provider: PROVIDER_OF_INBOX, status: 'sent' });
      }
    }
  }
  return { deliveries, inbox };
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
