import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/connect.ts';

/**
 * The databases a storage test runs against: always PGlite (in memory), and PostgreSQL when
 * FENQI_TEST_DATABASE_URL is set. Each PostgreSQL test database is created fresh from that
 * URL's server and dropped at close, so suites never see each other's rows.
 */
export interface TestDatabase { name: 'pglite' | 'postgres'; open(): Promise<DatabaseHandle> }

export function testDatabases(): TestDatabase[] {
  const url = process.env.FENQI_TEST_DATABASE_URL;
  // CI runs every suite on PGlite first (npm test), then the storage suites again with
  // FENQI_TEST_SKIP_PGLITE=1 so the second pass spends its time on PostgreSQL only.
  const skipPglite = Boolean(url) && process.env.FENQI_TEST_SKIP_PGLITE === '1';
  const list: TestDatabase[] = skipPglite ? [] : [{ name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) }];
  if (url) list.push({ name: 'postgres', open: () => openFreshPostgres(url) });
  return list;
}

export async function openFreshPostgres(baseUrl: string, poolSize = 20): Promise<DatabaseHandle> {
  const name = `fenqi_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
