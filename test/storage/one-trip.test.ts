import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../../src/adapters/db/connect.ts';
import { inOneTrip } from '../../src/adapters/db/one-trip.ts';
import { pipelinedPool } from '../../src/adapters/db/pipelined-pool.ts';
import { runTx, type Db } from '../../src/adapters/db/tx.ts';
import { testDatabases } from '../support/db.ts';

/** inOneTrip: two statements handed over at once, answered in order, the first's error first. */
for (const target of testDatabases()) {
  describe(`two statements in one trip on ${target.name}`, () => {
    let h: DatabaseHandle;
    // The scratch table is not in the schema's types: statements here are raw SQL.
    let db: Kysely<unknown>;
    before(async () => {
      h = await target.open();
      db = h.db as unknown as Kysely<unknown>;
      await sql`create table trip_t (id int primary key, note text)`.execute(db);
      await sql`insert into trip_t values (1, 'start')`.execute(db);
    });
    after(async () => { await h.close(); });

    it('answers each statement with its own rows, the second after the first has run', async () => {
      const [first, second] = await runTx(h.db, (tx) => inOneTrip(tx,
        sql<{ id: number }>`update trip_t set note = 'first' where id = 1 returning id`,
        sql<{ note: string }>`select note from trip_t where id = 1`));
      assert.deepEqual(first.rows, [{ id: 1 }]);
      assert.deepEqual(second.rows, [{ note: 'first' }], 'the second saw the first\'s write');
    });

    it('throws the first statement\'s error, not the aborted transaction\'s, and commits nothing', async () => {
      await assert.rejects(runTx(h.db, async (tx) => {
        await sql`update trip_t set note = 'lost' where id = 1`.execute(tx);
        await inOneTrip(tx, sql`select * from no_such_table`, sql`select note from trip_t`);
      }), (e: { code?: string }) => e.code === '42P01');
      assert.deepEqual((await sql<{ note: string }>`select note from trip_t where id = 1`.execute(db)).rows, [{ note: 'first' }]);
    });

    it('sends the second before the first answers, and the second reads what the lock\'s holder committed (PostgreSQL)', { skip: target.name !== 'postgres' && 'pipelining is a PostgreSQL-server feature' }, async () => {
      const url = new URL(process.env.FENQI_TEST_DATABASE_URL!);
      url.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(db)).rows[0]!.db}`;
      // A pool of one pipelined client whose statements are recorded as they are handed to it.
      const issued: string[] = [];
      const pool = pipelinedPool(new pg.Pool({ connectionString: url.toString(), max: 1, pipeline: true }));
      const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
      (pool as unknown as { connect: unknown }).connect = async () => {
        const client = await connect();
        const query = client.query as (...a: unknown[]) => unknown;
        (client as unknown as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
          if (typeof text === 'string') issued.push(text);
          return query.call(client, text, ...rest);
        };
        return client;
      };
      const own = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      const holder = new pg.Client({ connectionString: url.toString() });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query(`update trip_t set note = 'held' where id = 1`);
        const trip = runTx(own as unknown as Db, (tx) => inOneTrip(tx,
          sql<{ id: number }>`select id from trip_t where id = 1 for update`,
          sql<{ note: string }>`select note from trip_t where id = 1`));
        for (let i = 0; i < 500; i++) {
          const waiting = await holder.query(`select 1 from pg_locks where not granted and locktype = 'transactionid'`);
          if (waiting.rowCount) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.ok(issued.some((t) => t.includes('select note from trip_t')), `the read was handed over while the lock still waited: ${JSON.stringify(issued)}`);
        await holder.query(`update trip_t set note = 'committed by the holder' where id = 1`);
        await holder.query('commit');
        const [, read] = await trip;
        assert.deepEqual(read.rows, [{ note: 'committed by the holder' }], 'its snapshot was taken once the lock was held');
      } finally {
        await holder.end();
        await own.destroy();
      }
    });
  });
}
