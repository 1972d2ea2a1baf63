import type { QueryResult, RawBuilder } from 'kysely';
import type { Tx } from './tx.ts';

/**
 * Two statements of a transaction handed to its connection at once. On a PostgreSQL server in
 * pipeline mode (pipelined-pool.ts) the second goes out behind the first without waiting for
 * its answer: one round trip for both. Elsewhere (PGlite, FENQI_PG_PIPELINE=0) the connection
 * queues the second behind the first, as two awaits would.
 *
 * The server still runs them one after the other, so under READ COMMITTED the second takes its
 * snapshot after the first has finished, with the locks the first took: a read sent behind a
 * locking statement sees what the previous holder of those locks committed. The second must
 * not need the first's result. When the first fails, its error is the one thrown (the second
 * then fails only because the transaction is aborted).
 */
export async function inOneTrip<A, B>(tx: Tx, first: RawBuilder<A>, second: RawBuilder<B>): Promise<[QueryResult<A>, QueryResult<B>]> {
  const a = first.compile(tx);
  const b = second.compile(tx);
  return tx.getExecutor().provideConnection(async (connection) => {
    const [ra, rb] = await Promise.allSettled([connection.executeQuery<A>(a), connection.executeQuery<B>(b)]);
    if (ra.status === 'rejected') throw ra.reason;
    if (rb.status === 'rejected') throw rb.reason;
    return [ra.value, rb.value];
  });
}
