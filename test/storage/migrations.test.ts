import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateToLatest, type DatabaseHandle } from '../../src/adapters/db/connect.ts';
import { testDatabases } from '../support/db.ts';
import { ACCOUNT_CODES } from '../../src/core/ledger/accounts.ts';

for (const target of testDatabases()) {
  describe(`migrations on ${target.name}`, () => {
    let h: DatabaseHandle;
    before(async () => { h = await target.open(); });
    after(async () => { await h.close(); });

    it('runs forward to the latest and a second run applies nothing', async () => {
      assert.deepEqual(await migrateToLatest(h.db), []);
    });

    it('mirrors the chart of accounts', async () => {
      const rows = await h.db.selectFrom('ledger_accounts').select('code').orderBy('code').execute();
      assert.deepEqual(rows.map((r) => r.code), [...ACCOUNT_CODES].sort());
    });

    it('keys every customer-owned table by customer_id first (ready for Citus)', async () => {
      const r = await sql<{ table_name: string; first_key: string }>`
        select tc.table_name, kcu.column_name as first_key
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_name = tc.table_name
        join information_schema.columns c on c.table_name = tc.table_name and c.column_name = 'customer_id' and c.table_schema = 'public'
        where tc.constraint_type in ('PRIMARY KEY', 'UNIQUE') and tc.table_schema = 'public' and kcu.ordinal_position = 1`.execute(h.db);
      assert.ok(r.rows.length > 5, 'found the customer-owned tables');
      const allowed = new Set(['customer_phones', 'merchant_orders', 'payment_orders', 'sessions', 'events']);
      for (const row of r.rows) {
        if (allowed.has(row.table_name)) continue; // lookup tables keyed by what is looked up
        assert.equal(row.first_key, row.table_name === 'customers' ? 'id' : 'customer_id', `${row.table_name} key starts with customer_id`);
      }
    });

    it('indexes nothing twice (a duplicate index is paid for on every write)', async () => {
      const r = await sql<{ tablename: string; def: string; names: string }>`
        select tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ') as def, string_agg(indexname, ', ') as names
        from pg_indexes where schemaname = 'public'
        group by 1, 2 having count(*) > 1`.execute(h.db);
      assert.deepEqual(r.rows, []);
    });

    it('stores money as bigint and business dates as date', async () => {
      const r = await sql<{ column_name: string; data_type: string; table_name: string }>`
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'public' and (column_name like '%\_fen' or column_name in ('due_date', 'business_date'))`.execute(h.db);
      for (const c of r.rows) {
        const expected = c.column_name.endsWith('_fen') ? 'bigint' : 'date';
        assert.equal(c.data_type, expected, `${c.table_name}.${c.column_name}`);
      }
    });

    it('refuses to edit postings and the audit log', async () => {
      await assert.rejects(sql`update audit_log set actor = 'x'`.execute(h.db).then(async () => {
        await sql`insert into audit_log (id, at, actor, action) values (gen_random_uuid(), now(), 'a', 'b')`.execute(h.db);
        await sql`update audit_log set actor = 'x'`.execute(h.db);
      }), /append-only/);
    });
  });
}
