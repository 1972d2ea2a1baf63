/**
 * Peers for bench/repayments: what the same load generator reaches on this machine against
 * servers that do almost nothing, so the repayment figure can be read against the floor of
 * "an HTTP request from Node" and not only against pgbench, whose client is C and costs the
 * machine next to nothing.
 *
 * - peer-http: Fastify, the same route path and headers, the JSON body parsed and answered 201;
 *   no database. The ceiling of HTTP + load generator on this machine.
 * - peer-transfer: the same route running the transfer script (bench/db-baseline/transfer.sql:
 *   two balance updates in key order and one journal insert) as ONE transaction per request
 *   through node-postgres with named prepared statements, on the scratch database pgbench
 *   uses. This is "plain per-request transactions from Node" — the issue's ~0.6× reference —
 *   measured here rather than assumed.
 */
import Fastify from 'fastify';
import pg from 'pg';

export type PeerKind = 'peer-http' | 'peer-transfer';
export const PEERS: readonly PeerKind[] = ['peer-http', 'peer-transfer'];

export interface Peer { url: string; close: () => Promise<void> }

/** pgbench -i accounts at scale 10: aids 1..1,000,000. */
const ACCOUNTS = 1_000_000;

export async function startPeer(kind: PeerKind, scratchUrl: string | null, pool: number): Promise<Peer> {
  const app = Fastify({ logger: false });
  let db: pg.Pool | null = null;
  if (kind === 'peer-transfer') {
    if (!scratchUrl) throw new Error('peer-transfer needs the pgbench scratch database (PostgreSQL only)');
    db = new pg.Pool({ connectionString: scratchUrl, max: pool });
  }
  app.post('/v1/me/repayments', async (request, reply) => {
    const body = request.body as { amount?: string } | null;
    if (!request.headers.authorization || !request.headers['idempotency-key'] || typeof body?.amount !== 'string') {
      return reply.code(400).send({ code: 'bad_request' });
    }
    if (db) await transfer(db);
    return reply.code(201).send({ ok: true });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return { url, close: async () => { await app.close(); await db?.end(); } };
}

async function transfer(db: pg.Pool): Promise<void> {
  const a = 1 + Math.floor(Math.random() * ACCOUNTS);
  const b = 1 + Math.floor(Math.random() * ACCOUNTS);
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  const amount = 1 + Math.floor(Math.random() * 1_000_000);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query({ name: 'peer_debit', text: 'UPDATE pgbench_accounts SET abalance = abalance - $1 WHERE aid = $2', values: [amount, lo] });
    await client.query({ name: 'peer_credit', text: 'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2', values: [amount, hi] });
    await client.query({ name: 'peer_journal', text: 'INSERT INTO bench_journal (debit_aid, credit_aid, amount_fen) VALUES ($1, $2, $3)', values: [lo, hi, amount] });
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
