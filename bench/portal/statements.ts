import pg from 'pg';

/**
 * Counts (and, while asked to, records) the statements this process sends to PostgreSQL —
 * every round trip, BEGIN and COMMIT included — by wrapping pg.Client#query, the one door
 * both pg.Pool and Kysely's driver go through. pg_stat_database's xact_commit, used before,
 * counts transactions, so a page of a dozen statements in four transactions read as "1" or
 * "4" depending on rounding.
 */
export interface Statement { text: string; values: unknown[] }

let count = 0;
let recording: Statement[] | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: typeof query }).query = function counted(this: unknown, ...args: unknown[]) {
    count++;
    if (recording) {
      const [first, second] = args;
      if (typeof first === 'string') recording.push({ text: first, values: Array.isArray(second) ? second : [] });
      else if (first && typeof first === 'object' && 'text' in first) {
        const q = first as { text: string; values?: unknown[] };
        recording.push({ text: q.text, values: q.values ?? [] });
      }
    }
    return query.apply(this, args);
  };
}

export function countStatements(): () => number {
  install();
  return () => count;
}

/** Records every statement sent while `work` runs. */
export async function recordStatements(work: () => Promise<void>): Promise<Statement[]> {
  install();
  const list: Statement[] = [];
  recording = list;
  try { await work(); } finally { recording = null; }
  return list;
}
