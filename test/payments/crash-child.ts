/**
 * The process the crash test kills: wires Fenqi on the test's PostgreSQL database, runs one
 * step (handle a sandbox notification, or one auto-debit round) and dies with SIGKILL at
 * FENQI_CRASH_AT, if set.
 */
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { ManualClock } from '../../src/app/ports.ts';
import { sandboxGateway, setPaymentGateways } from '../../src/app/payments/gateways.ts';
import { handleNotification } from '../../src/app/payments/handle-notification.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';

const [mode, arg] = process.argv.slice(2);
const handle = await openDatabase({ url: process.env.CRASH_DATABASE_URL!, poolSize: 4, migrate: false });
const clock = new ManualClock(new Date(process.env.CRASH_CLOCK!));
const { deps } = await wireWith(handle, { ...loadConfig({}, { seedDemo: false }), signingSecret: 'test-secret' }, { clock, log: () => {} });
const sandbox = sandboxGateway(deps);
sandbox.faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 };
setPaymentGateways(deps, { sandbox });
if (mode === 'notify') {
  const raw = await sandbox.notificationFor(arg!);
  process.stdout.write((await handleNotification(deps, 'sandbox', raw!)).body);
} else if (mode === 'autodebit') {
  process.stdout.write(JSON.stringify(await runAutoDebitsOnce(deps)));
}
await sandbox.drain();
await handle.close();
