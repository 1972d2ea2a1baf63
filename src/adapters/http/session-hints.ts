/**
 * Which customer a session token belongs to, remembered from an earlier lookup, so a route
 * whose use case checks the session again inside its own transaction (the repayment batch
 * does, under the customer's lock: RepaymentRequest.sessionTokenHash) need not read the
 * session table first. A hint never grants anything by itself: a revoked session still
 * gets 401 from that check, and an expired one is not hinted at all. Bounded: past `max`
 * entries the oldest is forgotten (it is looked up again when it comes back).
 */
export class SessionHints {
  private readonly byHash = new Map<string, { customerId: string; expiresAt: number }>();
  constructor(private readonly max = 50_000) {}

  get(tokenHash: string, now: Date): string | undefined {
    const hint = this.byHash.get(tokenHash);
    if (!hint) return undefined;
    if (hint.expiresAt > now.getTime()) return hint.customerId;
    this.byHash.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, customerId: string, expiresAt: Date): void {
    this.byHash.delete(tokenHash);
    this.byHash.set(tokenHash, { customerId, expiresAt: expiresAt.getTime() });
    if (this.byHash.size > this.max) this.byHash.delete(this.byHash.keys().next().value!);
  }

  forget(tokenHash: string): void { this.byHash.delete(tokenHash); }
}
