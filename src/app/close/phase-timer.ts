/**
 * Wall time per phase of a close, for `fenqi eod` under FENQI_CLOSE_PROFILE=1 (bench/eod
 * prints it). Phases overlap across workers, so the shares are of summed worker time, not of
 * the wall. Off by default: one `if` per phase.
 */
const enabled = process.env.FENQI_CLOSE_PROFILE === '1';
const totals = new Map<string, { ms: number; n: number }>();

export async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const t = performance.now();
  try { return await fn(); } finally {
    const s = totals.get(phase) ?? { ms: 0, n: 0 };
    s.ms += performance.now() - t; s.n += 1;
    totals.set(phase, s);
  }
}

export function phaseReport(): string | undefined {
  if (!enabled) return undefined;
  const rows = [...totals].map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(2)} s ×${v.n}`);
  totals.clear();
  return `close phases: ${rows.join('; ')}`;
}
