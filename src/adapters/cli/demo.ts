import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import { seedDemoStore } from '../../app/demo/seed-demo-store.ts';
import { UsageError } from './usage-error.ts';
import { demoBanner } from './demo-banner.ts';

/**
 * `fenqi demo --reset`: throws away the data folder (or, on a server, every table after an
 * explicit --yes) and seeds the demo store again.
 */
export async function runDemo(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { reset: { type: 'boolean' }, data: { type: 'string' }, yes: { type: 'boolean' } } });
  if (!values.reset) throw new UsageError('usage: fenqi demo --reset [--data DIR] (on a PostgreSQL server also --yes: it drops every table)');
  const config = loadConfig(process.env, values.data ? { dataDir: values.data } : {});
  if (config.databaseUrl) {
    if (!values.yes) throw new UsageError('refusing to drop every table on a PostgreSQL server without --yes');
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    await client.query('drop schema public cascade; create schema public');
    await client.end();
  } else {
    rmSync(resolve(config.dataDir, 'pgdata'), { recursive: true, force: true });
  }
  const { deps, handle } = await wire(config);
  try {
    await seedDemoStore(deps);
    const count = await sql<{ n: number }>`select count(*)::int as n from plans`.execute(deps.db);
    out.write(`Demo store rebuilt with ${count.rows[0]!.n} plans.${demoBanner(config.publicUrl)}`);
  } finally {
    await handle.close();
  }
}
