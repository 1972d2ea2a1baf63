import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import { buildServer } from '../http/server.ts';
import { hasAnyMerchant, seedDemoStore } from '../../app/demo/seed-demo-store.ts';
import { startWebhookDispatcher } from '../../app/webhooks/dispatch-webhooks.ts';
import { startNoticeDispatcher } from '../../app/notices/dispatch-notices.ts';
import { startPaymentPoller } from '../../app/payments/poll-payments.ts';
import { startAutoDebitRunner } from '../../app/payments/autodebit/run-autodebits.ts';
import { UsageError } from './usage-error.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../core/close/close-settings.ts';
import { parseEodAt } from '../../core/close/eod-schedule.ts';
import { startEodScheduler } from '../../app/close/eod-scheduler.ts';
import type { AppDeps } from '../../app/deps.ts';
import { demoBanner } from './demo-banner.ts';

export async function runServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'no-demo': { type: 'boolean' } } });
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) throw new UsageError(`--port must be a number; got "${values.port}"`);
  const config = loadConfig(process.env, {
    ...(values.data ? { dataDir: values.data } : {}), ...(values.port ? { port: Number(values.port) } : {}), ...(values.host ? { host: values.host } : {}),
    ...(values['no-demo'] ? { seedDemo: false } : {}),
  });
  const { deps, handle } = await wire(config);
  let seeded = false;
  if (config.seedDemo && !(await hasAnyMerchant(deps))) {
    await seedDemoStore(deps);
    seeded = true;
  }
  const app = await buildServer(deps, { logger: false });
  await app.listen({ host: config.host, port: config.port });
  const stopWebhooks = startWebhookDispatcher(deps, 2_000);
  const stopNotices = startNoticeDispatcher(deps, 5_000);
  const stopPoller = startPaymentPoller(deps, 30_000);
  const stopAutoDebit = startAutoDebitRunner(deps, 60_000);
  const stopEod = startScheduledClose(deps, config.eodAt);
  const out = process.stdout;
  out.write(`Fenqi is running on ${handle.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${handle.location}` : handle.location}\n`);
  out.write(`  Portal:   ${config.publicUrl}/portal  (customers; zh-CN, ?lang=en)\n  API:      ${config.publicUrl}/v1\n  Docs:     ${config.publicUrl}/docs\n  OpenAPI:  ${config.publicUrl}/openapi.json\n  Health:   ${config.publicUrl}/healthz\n`);
  if (config.seedDemo) out.write(`${seeded ? 'Seeded the demo store.' : 'Demo store already present.'}${demoBanner(config.publicUrl)}`);
  const stop = async () => { await stopWebhooks(); await stopNotices(); await stopPoller(); await stopAutoDebit(); await stopEod(); await app.close(); await handle.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** FENQI_EOD_AT=HH:MM (Asia/Shanghai) turns the daily close on inside the server, with `fenqi eod`'s defaults. */
function startScheduledClose(deps: AppDeps, eodAt: string | undefined): () => Promise<void> {
  if (!eodAt) return async () => {};
  const atMinute = parseEodAt(eodAt);
  if (atMinute === null) throw new UsageError(`FENQI_EOD_AT must be HH:MM (Asia/Shanghai); got "${eodAt}"`);
  process.stdout.write(`  Daily close: every day at ${eodAt} Asia/Shanghai\n`);
  return startEodScheduler(deps, { atMinute, options: { workers: 1, partitions: 16, pageSize: 5000, chargePageSize: 500, leaseSeconds: 60, settings: DEFAULT_CLOSE_SETTINGS } });
}
