import { createHash } from 'node:crypto';
import type pg from 'pg';
import { onEachCheckout } from './pool-checkout.ts';

/**
 * Wraps a pg Pool so every parameterised query runs as a named prepared statement: the
 * server parses and plans each distinct SQL text once per connection instead of on every
 * call. Kysely emits the same text for the same query shape, so a request's twenty-odd
 * statements hit the cache after warm-up. Parameterless text (migrations, scripts) is sent
 * as is, since a multi-statement script cannot be prepared.
 */
export function preparedPool(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `fq_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      if (names.size < 10_000) names.set(text, name);
    }
    return name;
  };
  const wrapClient = (client: pg.PoolClient): void => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown[], ...rest: unknown[]) => {
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) return query({ name: nameOf(text), text, values }, ...rest);
      return query(text, values, ...rest);
    };
  };
  return onEachCheckout(pool, (client, first) => { if (first) wrapClient(client); });
}
