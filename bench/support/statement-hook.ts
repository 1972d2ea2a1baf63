import { PGlite } from '@electric-sql/pglite';

/** Runs the statement it wraps; what a hook calls to let the statement go ahead. */
export type RunStatement = () => Promise<unknown>;

/** The statement a hook sees, and a way to run another on the same database, unhooked (an EXPLAIN of it, say). */
export interface HookedStatement { text: unknown; method: 'query' | 'exec'; args: unknown[]; runOther(args: unknown[]): Promise<unknown> }

/**
 * Every statement the embedded database runs passes through `around` (PGlite's query and
 * exec, which Kysely's PGlite dialect calls): for benches that count, time or explain the
 * statements of the real use cases without touching them. Install before the work to measure;
 * hooks installed later wrap the earlier ones.
 */
export function aroundStatements(around: (run: RunStatement, statement: HookedStatement) => Promise<unknown>): void {
  for (const method of ['query', 'exec'] as const) {
    const original = PGlite.prototype[method] as (...args: unknown[]) => Promise<unknown>;
    (PGlite.prototype as unknown as Record<string, unknown>)[method] = function hooked(this: unknown, ...args: unknown[]) {
      const runOther = (other: unknown[]) => original.apply(this, other);
      return around(() => original.apply(this, args), { text: args[0], method, args, runOther });
    };
  }
}

/** Counts every statement from now on; read the count with the function returned. */
export function countStatements(): () => number {
  let n = 0;
  aroundStatements((run) => { n++; return run(); });
  return () => n;
}
