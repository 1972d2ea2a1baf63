import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { WEBHOOK_BACKOFF_MS } from '../events.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export interface DispatchOptions {
  /** Deliveries claimed per round. */
  batchSize?: number;
  /** A receiver that has not answered by then counts as a failed attempt. */
  timeoutMs?: number;
  /** How long a claim keeps other dispatchers off a row; longer than the timeout, so a live send is never doubled. */
  leaseMs?: number;
}

export interface DispatchReport { attempted: number; delivered: number; retrying: number; failed: number }

interface Claimed { id: string; eventId: string; topic: string; attempts: number; payload: unknown; url: string | null; secret: string }
type Outcome = { delivered: boolean; statusCode: number | null; error: string | null; url: string | null };

const DEFAULTS = { batchSize: 20, timeoutMs: 10_000, leaseMs: 120_000 };

/**
 * Sends every pending delivery that is due, at least once (receivers de-duplicate on the
 * event id). Three short steps so no transaction is held across a network call (GUIDE rule
 * 7): claim due rows with FOR UPDATE SKIP LOCKED and push their next attempt past a lease,
 * commit; POST each one; record each outcome in its own statement. If the process dies
 * mid-send, the lease runs out and another round sends it again.
 */
export async function dispatchWebhooks(deps: AppDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const o = { ...DEFAULTS, ...options };
  const claimed = await claimDue(deps, o.batchSize, o.leaseMs);
  const outcomes = await Promise.all(claimed.map((c) => send(deps, c, o.timeoutMs)));
  const report: DispatchReport = { attempted: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  for (const [i, c] of claimed.entries()) report[await record(deps, c, outcomes[i]!)]++;
  return report;
}

async function claimDue(deps: AppDeps, batchSize: number, leaseMs: number): Promise<Claimed[]> {
  const now = deps.clock.now();
  return runTx(deps.db, async (tx) => {
    const due = await tx.selectFrom('webhook_deliveries').select(['id', 'event_id', 'merchant_id', 'attempts'])
      .where('status', '=', 'pending').where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at').limit(batchSize).forUpdate().skipLocked().execute();
    if (due.length === 0) return [];
    await tx.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
      .where('id', 'in', due.map((d) => d.id)).execute();
    const events = await tx.selectFrom('events').select(['id', 'topic', 'payload']).where('id', 'in', due.map((d) => d.event_id)).execute();
    // The merchant's current endpoint, not the one at event time: a merchant who fixes a
    // broken URL expects the queued deliveries to follow it.
    const merchants = await tx.selectFrom('merchants').select(['id', 'webhook_url', 'webhook_secret'])
      .where('id', 'in', [...new Set(due.map((d) => d.merchant_id))]).execute();
    const eventById = new Map(events.map((e) => [e.id, e]));
    const merchantById = new Map(merchants.map((m) => [m.id, m]));
    return due.map((d) => {
      const event = eventById.get(d.event_id)!;
      const merchant = merchantById.get(d.merchant_id);
      return {
        id: d.id, eventId: d.event_id, topic: event.topic, attempts: d.attempts, payload: event.payload,
        url: merchant?.webhook_url ?? null, secret: merchant?.webhook_secret ?? '',
      };
    });
  });
}

async function send(deps: AppDeps, c: Claimed, timeoutMs: number): Promise<Outcome> {
  if (!c.url) return { delivered: false, statusCode: null, error: 'the merchant has no webhook endpoint configured', url: null };
  const body = JSON.stringify(c.payload);
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  try {
    const res = await fetch(c.url, {
      method: 'POST', body, signal: AbortSignal.timeout(timeoutMs),
      // A signed request is not replayed to wherever a redirect points: a 3xx is a failure.
      redirect: 'manual',
      headers: {
        'content-type': 'application/json', 'user-agent': 'Fenqi-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(c.secret, t, body), [EVENT_ID_HEADER]: c.eventId, 'Fenqi-Event-Topic': c.topic,
      },
    });
    await res.body?.cancel(); // the response body is never used; release the connection
    const delivered = res.status >= 200 && res.status < 300;
    return { delivered, statusCode: res.status, error: delivered ? null : `receiver answered HTTP ${res.status}`, url: c.url };
  } catch (e) {
    return { delivered: false, statusCode: null, error: describeFailure(e, timeoutMs), url: c.url };
  }
}

function describeFailure(e: unknown, timeoutMs: number): string {
  const error = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return (error.cause?.code ?? error.cause?.message ?? error.message ?? String(e)).slice(0, 300);
}

/**
 * Attempt n (1-based) failing schedules the next after WEBHOOK_BACKOFF_MS[n-1]; after the
 * last interval is used the delivery is failed (a first try plus one retry per interval).
 * The update is conditional on the row being as claimed, so a concurrent manual retry or a
 * second dispatcher after an expired lease cannot count one attempt twice.
 */
async function record(deps: AppDeps, c: Claimed, outcome: Outcome): Promise<'delivered' | 'retrying' | 'failed'> {
  const at = deps.clock.now();
  const attempts = c.attempts + 1;
  const state = outcome.delivered ? 'delivered' : attempts > WEBHOOK_BACKOFF_MS.length ? 'failed' : 'retrying';
  await deps.db.updateTable('webhook_deliveries').set({
    attempts, last_status_code: outcome.statusCode, last_error: outcome.error,
    ...(outcome.url ? { url: outcome.url } : {}),
    ...(state === 'delivered' ? { status: 'delivered', delivered_at: at } : {}),
    ...(state === 'failed' ? { status: 'failed' } : {}),
    ...(state === 'retrying' ? { next_attempt_at: new Date(at.getTime() + WEBHOOK_BACKOFF_MS[attempts - 1]!) } : {}),
  }).where('id', '=', c.id).where('status', '=', 'pending').where('attempts', '=', c.attempts).execute();
  if (state !== 'delivered') deps.log('webhook delivery failed', { deliveryId: c.id, attempts, state, error: outcome.error });
  return state;
}

/**
 * Runs the dispatcher every `intervalMs` until stopped (`fenqi serve` wires it in). A round
 * that claimed a full batch runs again at once, so a backlog drains without waiting. The
 * returned function stops it and waits for the round in progress.
 */
export function startWebhookDispatcher(deps: AppDeps, intervalMs = 1_000, options: DispatchOptions = {}): () => Promise<void> {
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    try {
      while (!stopped && (await dispatchWebhooks(deps, options)).attempted >= batchSize) { /* drain the backlog */ }
    } catch (e) {
      deps.log('webhook dispatcher round failed', { error: e instanceof Error ? e.message : String(e) });
    }
    if (!stopped) {
      timer = setTimeout(() => { running = round(); }, intervalMs);
      timer.unref(); // never the reason a process stays alive
    }
  };
  let running = round();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
