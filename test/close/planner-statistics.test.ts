import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { closeDate } from '../../src/app/close/close-date.ts';
import { refreshPlannerStatistics } from '../../src/adapters/db/planner-statistics.ts';
import { TEST_CLOSE } from './support.ts';

/** ANALYZE has run on a table when pg_class.reltuples is no longer -1 (PostgreSQL 14+: "never analysed or vacuumed"). */
async function analysed(t: TestApp, table: string): Promise<boolean> {
  const r = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = ${`public.${table}`}::regclass`.execute(t.deps.db);
  return Number(r.rows[0]!.n) >= 0;
}

for (const target of testDatabases()) {
  describe(`planner statistics on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      await checkout(t, store, '13600000011', 'ei-12', '6000.00', 'stats-1');
    });
    after(async () => { await t.close(); });

    it('the close ANALYZEs grown tables on the embedded database (no autovacuum there) and leaves a server to its autovacuum', async () => {
      const run = await closeDate(t.deps, await t.deps.calendar.today(), TEST_CLOSE);
      const step = run.steps.find((s) => s.name === 'planner_statistics');
      assert.ok(step, 'the step ran and was recorded');
      assert.equal(step.phase, 'before');
      if (target.name === 'pglite') {
        assert.ok((step.counts.tablesAnalyzed ?? 0) > 0, JSON.stringify(step.counts));
        assert.equal(await analysed(t, 'installments'), true);
        assert.equal(await analysed(t, 'plans'), true);
        assert.deepEqual(await refreshPlannerStatistics(t.deps.db), [], 'nothing is stale right after');
      } else {
        assert.deepEqual(step.counts, {});
      }
    });

    it('a table is stale again once it has grown by half', async () => {
      if (target.name !== 'pglite') return;
      await refreshPlannerStatistics(t.deps.db);
      await sql`create table stats_probe (id int primary key, pad text)`.execute(t.deps.db);
      assert.deepEqual(await refreshPlannerStatistics(t.deps.db), ['stats_probe'], 'never analysed');
      await sql`insert into stats_probe select g, repeat('x', 200) from generate_series(1, 2000) g`.execute(t.deps.db);
      assert.deepEqual(await refreshPlannerStatistics(t.deps.db), ['stats_probe'], 'grew from nothing');
      await sql`insert into stats_probe select g, repeat('x', 200) from generate_series(2001, 2300) g`.execute(t.deps.db);
      assert.deepEqual(await refreshPlannerStatistics(t.deps.db), [], 'grew by 15%: not stale');
      await sql`insert into stats_probe select g, repeat('x', 200) from generate_series(2301, 4000) g`.execute(t.deps.db);
      assert.deepEqual(await refreshPlannerStatistics(t.deps.db), ['stats_probe'], 'doubled');
      await sql`drop table stats_probe`.execute(t.deps.db);
    });
  });
}
