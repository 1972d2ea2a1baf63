import type pg from 'pg';
import { onEachCheckout } from './pool-checkout.ts';

/**
 * Starts a statement with this comment to send it without waiting for its answer: the
 * COMMIT (or ROLLBACK) that follows on the same connection waits for both, and a COMMIT
 * fails with the statement's error if it had one. Only for a transaction's last statement,
 * whose result nobody reads and after which nothing but COMMIT or ROLLBACK is sent.
 */
export const THEN_COMMIT = '/* then commit */';

type Outcome = { error?: unknown };
const outcomeOf = (sent: Promise<unknown>): Promise<Outcome> => sent.then(() => ({}), (error: unknown) => ({ error }));
/** What Kysely reads of a result (command, rowCount, rows), for a statement whose answer comes later. */
const NOT_YET: Pick<pg.QueryResult, 'command' | 'rowCount' | 'rows' | 'fields'> = { command: '', rowCount: null, rows: [], fields: [] };

/**
 * Two round trips fewer per transaction on a PostgreSQL server, through pg's pipeline mode
 * (`pipeline: true` on the pool: each query is written to the socket at once instead of after
 * the previous answer, and the server answers them in order).
 *
 * - BEGIN goes out and is not waited for: the transaction's first statement follows it on the
 *   wire, and that statement's answer waits for BEGIN's (BEGIN's error, if any, comes first;
 *   a failed BEGIN also fails the statement behind it, so nothing runs outside a transaction).
 * - A statement starting with THEN_COMMIT goes out and is not waited for either; the COMMIT
 *   behind it waits for both and throws the statement's error. (After a failed statement,
 *   PostgreSQL answers COMMIT with ROLLBACK and no error: the statement's error is the one
 *   that reports it.) A ROLLBACK behind it does not rethrow it: the caller is already handling
 *   an error of its own.
 *
 * Every other statement is sent and awaited as without this wrapper. Kysely sends BEGIN as the
 * text `begin` (a transaction with an isolation level or access mode starts with `start
 * transaction`, and is left alone).
 */
export function pipelinedPool(pool: pg.Pool): pg.Pool {
  /** Per client: the outcome of what was sent ahead and not yet awaited by anyone. */
  const ahead = new WeakMap<pg.PoolClient, { earlier?: Promise<Outcome> }>();
  const wrapClient = (client: pg.PoolClient, state: { earlier?: Promise<Outcome> }): void => {
    const query = client.query.bind(client) as (text: unknown, values?: unknown) => Promise<pg.QueryResult>;
    (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
      if (typeof text !== 'string' || rest.length > 0) return (query as (...a: unknown[]) => unknown)(text, values, ...rest);
      const sent = query(text, values);
      // Its answer may arrive in the same read as an earlier one's, before anyone awaits it.
      sent.catch(() => {});
      const before = state.earlier;
      if (text === 'begin' || text.startsWith(THEN_COMMIT)) {
        const own = outcomeOf(sent);
        state.earlier = before ? Promise.all([before, own]).then(([a, b]) => (a.error !== undefined ? a : b)) : own;
        return Promise.resolve(NOT_YET);
      }
      state.earlier = undefined;
      if (!before) return sent;
      return before.then(async (previous) => {
        if (previous.error !== undefined && !/^rollback$/i.test(text)) {
          await outcomeOf(sent); // its answer still arrives; let it, before the caller moves on
          throw previous.error;
        }
        return sent;
      });
    };
  };
  return onEachCheckout(pool, (client, first) => {
    if (!(client as unknown as { pipeline?: boolean }).pipeline) return;
    if (first) { ahead.set(client, {}); wrapClient(client, ahead.get(client)!); }
    // A transaction ends with COMMIT or ROLLBACK, which settle what was sent ahead; one that
    // broke off without either must not hand its outcome to the client's next user.
    ahead.get(client)!.earlier = undefined;
  });
}
