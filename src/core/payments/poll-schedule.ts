/**
 * When to ask a gateway about a payment whose notification has not come: soon at first (most
 * customers pay within minutes), then less often, until the payment expires; one last query
 * after expiry catches a payment made in the final moments.
 */
export const POLL_DELAYS_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const;

/** The next query time after `attempts` queries, or the expiry when that comes first. */
export function nextQueryAt(attempts: number, now: Date, expiresAt: Date): Date {
  const delay = POLL_DELAYS_MS[Math.min(attempts, POLL_DELAYS_MS.length - 1)]!;
  const next = now.getTime() + delay;
  return new Date(Math.min(next, Math.max(expiresAt.getTime(), now.getTime())));
}

/** A gateway that keeps failing is retried on the same ladder, but after expiry it gives up after this long. */
export const GIVE_UP_AFTER_EXPIRY_MS = 24 * 3_600_000;
