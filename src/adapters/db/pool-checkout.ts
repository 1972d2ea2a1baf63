import type pg from 'pg';

/**
 * Calls `onCheckout` each time the pool hands out a client, before the caller gets it, with
 * `first` true the first time for that client: where the pool wrappers here change a client
 * once (its `query`) and reset per-use state each time. (pg-pool itself replaces a client's
 * `release` on every checkout, so per-use state cannot hang on `release`.)
 */
export function onEachCheckout(pool: pg.Pool, onCheckout: (client: pg.PoolClient, first: boolean) => void): pg.Pool {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const seen = new WeakSet<pg.PoolClient>();
  (pool as unknown as { connect: unknown }).connect = async () => {
    const client = await connect();
    const first = !seen.has(client);
    if (first) seen.add(client);
    onCheckout(client, first);
    return client;
  };
  return pool;
}
