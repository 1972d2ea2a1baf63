import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../../src/adapters/db/connect.ts';
import { pipelinedPool, THEN_COMMIT } from '../../src/adapters/db/pipelined-pool.ts';
import { runTx } from '../../src/adapters/db/tx.ts';
import { testDatabases } from '../support/db.ts';

/**
 * pipelined-pool.ts on a PostgreSQL server: BEGIN and a THEN_COMMIT statement are sent without
 * waiting, and nothing about what commits or fails changes. On PGlite the marker is only a
 * comment (the same assertions hold, with every statement awaited), so the suite runs there too.
 */
for (const target of testDatabases()) {
  describe(`pipelined transactions on ${target.name}`, () => {
    let h: DatabaseHandle;
    // The scratch table is not in the schema's types: statements here are raw SQL.
    let db: Kysely<unknown>;
    const ids = async () => (await sql<{ id: number }>`select id from pipe_t order by id`.execute(db)).rows.map((r) => r.id);
    before(async () => {
      h = await target.open();
      db = h.db as unknown as Kysely<unknown>;
      await sql`create table pipe_t (id int primary key, note text)`.execute(db);
    });
    after(async () => { await h.close(); });

    it('commits the statements before the marked write and the write itself', async () => {
      await runTx(h.db, async (tx) => {
        await sql`insert into pipe_t (id) values (${1})`.execute(tx);
        await sql`${sql.raw(THEN_COMMIT)} insert into pipe_t (id) values (${2})`.execute(tx);
      });
      assert.deepEqual(await ids(), [1, 2]);
    });

    it('fails the transaction with the marked write\'s own error and commits nothing of it', async () => {
      await assert.rejects(
        runTx(h.db, async (tx) => {
          await sql`insert into pipe_t (id) values (${3})`.execute(tx);
          await sql`${sql.raw(THEN_COMMIT)} insert into pipe_t (id) values (${1})`.execute(tx); // duplicate key
        }),
        (e: { code?: string }) => e.code === '23505',
      );
      assert.deepEqual(await ids(), [1, 2], 'row 3 rolled back with the failed write');
      // The connection goes back to the pool usable: a transaction on it works.
      await runTx(h.db, async (tx) => { await sql`insert into pipe_t (id) values (${4})`.execute(tx); });
      assert.deepEqual(await ids(), [1, 2, 4]);
    });

    it('runs the first statement inside the transaction BEGIN opened (a thrown error undoes it)', async () => {
      await assert.rejects(runTx(h.db, async (tx) => {
        await sql`insert into pipe_t (id) values (${5})`.execute(tx);
        throw new Error('changed my mind');
      }), /changed my mind/);
      assert.deepEqual(await ids(), [1, 2, 4]);
    });

    it('reports a failing first statement as itself, not as the BEGIN before it', async () => {
      await assert.rejects(runTx(h.db, async (tx) => { await sql`select * from no_such_table`.execute(tx); }), (e: { code?: string }) => e.code === '42P01');
      assert.deepEqual(await ids(), [1, 2, 4]);
    });

    it('does not wait for the marked write: the transaction waits at COMMIT (PostgreSQL)', { skip: target.name !== 'postgres' && 'pipelining is a PostgreSQL-server feature' }, async () => {
      // Another connection holds row 1's lock, so the marked UPDATE of row 1 cannot finish until
      // it lets go. The callback must still get past the write; only COMMIT may wait.
      const url = new URL(process.env.FENQI_TEST_DATABASE_URL!);
      url.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(db)).rows[0]!.db}`;
      const holder = new pg.Client({ connectionString: url.toString() });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('select id from pipe_t where id = 1 for update');
        let pastWrite = false;
        const tx = runTx(h.db, async (t) => {
          await sql`${sql.raw(THEN_COMMIT)} update pipe_t set note = ${'pipelined'} where id = ${1}`.execute(t);
          pastWrite = true;
        });
        // Wait until the UPDATE is queued behind the holder's lock, as the server sees it.
        for (let i = 0; i < 500; i++) {
          const waiting = await holder.query(`select 1 from pg_locks where not granted and locktype = 'transactionid'`);
          if (waiting.rowCount) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.equal(pastWrite, true, 'the callback returned while its write still waited on the lock');
        await holder.query('commit');
        await tx;
        assert.equal((await sql<{ note: string }>`select note from pipe_t where id = 1`.execute(db)).rows[0]!.note, 'pipelined');
      } finally {
        await holder.end();
      }
    });

    it('does not hand a broken-off statement\'s error to the client\'s next user (PostgreSQL)', { skip: target.name !== 'postgres' && 'pipelining is a PostgreSQL-server feature' }, async () => {
      const url = new URL(process.env.FENQI_TEST_DATABASE_URL!);
      url.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(db)).rows[0]!.db}`;
      const pool = pipelinedPool(new pg.Pool({ connectionString: url.toString(), max: 1, pipeline: true }));
      try {
        const first = await pool.connect();
        await first.query(`${THEN_COMMIT} select 1 / 0`); // sent ahead; fails; nobody sends COMMIT
        first.release();
        const second = await pool.connect();
        try {
          assert.equal(second, first, 'the pool of one hands back the same client');
          assert.equal((await second.query('select 2 as n')).rows[0].n, 2);
        } finally {
          second.release();
        }
      } finally {
        await pool.end();
      }
    });
  });
}
