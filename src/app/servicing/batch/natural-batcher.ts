/**
 * Natural batching (group commit without a timer): items that arrive while earlier groups are
 * in flight queue up and go together, up to `maxBatch`. An item that finds a free slot goes at
 * once — after the current I/O turn, so items that arrived together travel together — so
 * a lone request waits for nothing, and under load groups grow by themselves to what arrives
 * during one group's round trips.
 */
export interface NaturalBatcherOptions<I = unknown> {
  maxBatch: number;
  /**
   * Groups in flight at once. Fewer groups in flight means bigger groups: each group's fixed
   * cost (its transaction's round trips and statements) is shared by more items.
   */
  maxInFlight: number;
  /**
   * A group in flight longer than `afterMs` (waiting on a lock, say) stops counting against
   * maxInFlight, so the items behind it are not held up by it: up to `maxInFlight` groups in
   * all may then be in flight. Without it, maxInFlight is a hard limit.
   */
  stalled?: { afterMs: number; maxInFlight: number };
  /** Where to count groups (shared by several batchers, e.g. one per server in tests). */
  counters?: BatchCounters;
  /**
   * Items with the same key never run in two groups at once: an item whose key is in a group
   * in flight waits for the next group. For repayments the key is the customer, whose lock
   * two groups would otherwise queue on — each holding a connection and its other customers'
   * locks meanwhile; waiting in memory instead lets a busy customer's requests gather into one
   * group that takes the lock once.
   */
  exclusiveKey?: (item: I) => string;
}

export interface BatchCounters { batches: number; items: number; largest: number; fallbacks: number }

interface Waiting<I, O> { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }

export class NaturalBatcher<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  /** When each group in flight started (performance.now()), oldest first. */
  private readonly started: number[] = [];
  private readonly busy = new Set<string>();
  private scheduled = false;
  private recheck: NodeJS.Timeout | undefined;
  readonly counters: BatchCounters;

  /**
   * `run` gets a group and returns one outcome per item, in order; when it throws for a group
   * of several, each item is run again alone (`fallback` counts those), so one bad item cannot
   * fail its neighbours.
   */
  constructor(private readonly run: (items: I[]) => Promise<O[]>, private readonly options: NaturalBatcherOptions<I>) {
    this.counters = options.counters ?? { batches: 0, items: 0, largest: 0, fallbacks: 0 };
  }

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => { this.scheduled = false; this.pump(); });
      }
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.slotFree()) {
      const group = this.take();
      if (group.length === 0) return;
      const keys = this.options.exclusiveKey ? new Set(group.map((w) => this.options.exclusiveKey!(w.item))) : undefined;
      keys?.forEach((k) => this.busy.add(k));
      const started = performance.now();
      this.started.push(started);
      void this.settle(group).finally(() => {
        keys?.forEach((k) => this.busy.delete(k));
        this.started.splice(this.started.indexOf(started), 1);
        this.pump();
      });
    }
  }

  /**
   * Whether another group may start now. When the only thing in the way is groups that have
   * not yet been in flight `stalled.afterMs`, looks again when the oldest of them will have.
   */
  private slotFree(): boolean {
    const { maxInFlight, stalled } = this.options;
    if (!stalled) return this.started.length < maxInFlight;
    if (this.started.length >= Math.max(maxInFlight, stalled.maxInFlight)) return false;
    const now = performance.now();
    const fresh = this.started.filter((t) => now - t < stalled.afterMs);
    if (fresh.length < maxInFlight) return true;
    if (!this.recheck) {
      this.recheck = setTimeout(() => { this.recheck = undefined; this.pump(); }, Math.max(1, fresh[0]! + stalled.afterMs - now));
    }
    return false;
  }

  /** The next group: the oldest items, up to maxBatch, skipping those whose key is in flight. */
  private take(): Waiting<I, O>[] {
    const keyOf = this.options.exclusiveKey;
    if (!keyOf || this.busy.size === 0) return this.queue.splice(0, this.options.maxBatch);
    const group: Waiting<I, O>[] = [];
    const rest: Waiting<I, O>[] = [];
    for (const w of this.queue) (group.length < this.options.maxBatch && !this.busy.has(keyOf(w.item)) ? group : rest).push(w);
    this.queue.splice(0, this.queue.length, ...rest);
    return group;
  }

  private async settle(group: Waiting<I, O>[]): Promise<void> {
    this.counters.batches++;
    this.counters.items += group.length;
    this.counters.largest = Math.max(this.counters.largest, group.length);
    try {
      const outcomes = await this.run(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (error) {
      if (group.length === 1) { group[0]!.reject(error); return; }
      this.counters.fallbacks++;
      for (const w of group) {
        try { w.resolve((await this.run([w.item]))[0]!); } catch (e) { w.reject(e); }
      }
    }
  }
}
