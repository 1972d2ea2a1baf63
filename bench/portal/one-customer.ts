import { openFreshPostgres } from '../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { seedTestStore, sessionFor } from '../../test/support/store.ts';
import { buy } from '../../test/web/support.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';

/**
 * The app on a fresh PostgreSQL database with one customer who bought a phone (fee-12) and a
 * pair of earbuds (free-3) on 2026-01-05, viewed on 2026-02-08 with the February bill issued:
 * the page explain.ts and profile.ts look at. Returns the app and the customer's session cookie.
 */
export async function oneCustomerApp(): Promise<{ t: TestApp; cookie: string }> {
  const t = await startTestApp({ name: 'postgres', open: () => openFreshPostgres(process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL) }, {}, '2026-01-05');
  const store = await seedTestStore(t);
  const a = await buy(t, store, '13900000001', 'fee-12', '6000.00', 'PR-a', 'Xiaomi 15 Pro');
  await buy(t, store, '13900000001', 'free-3', '3000.00', 'PR-b', 'Redmi Buds 6 Pro');
  await t.setBusinessDate('2026-02-08');
  return { t, cookie: `fq_session=${await sessionFor(t, a.customerId)}` };
}
