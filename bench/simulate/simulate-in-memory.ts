import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { ManualClock } from '../../src/app/ports.ts';
import { NoticeCapture } from '../../src/app/simulate/capture-notices.ts';
import { runSimulation } from '../../src/app/simulate/run-simulation.ts';
import { SIMULATION_START } from '../../src/adapters/cli/simulate.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';

/**
 * `fenqi simulate` as the profilers run it: the same store, clock and notice capture as the
 * CLI on in-memory PGlite, with a hook told when each step starts and ends. The database is
 * closed when the run ends; the capture stays readable.
 */
export async function simulateInMemory(o: { customers: number; months: number; seed: number; concurrency: number; onStep: (step: string | null) => void }) {
  const handle = await openDatabase({ dataDir: 'memory://' });
  const clock = new ManualClock(new Date(`${SIMULATION_START}T09:00:00+08:00`));
  const capture = new NoticeCapture();
  const config = { ...loadConfig({}, { seedDemo: false }), signingSecret: 'fenqi-simulate', dataDir: 'memory://' };
  const { deps } = await wireWith(handle, config, { clock, notifier: capture.notifier(), log: () => {} });
  const stepMs: Record<string, number> = {};
  try {
    const report = await runSimulation(deps, clock, capture, {
      stepMs, customers: o.customers, months: o.months, seed: o.seed,
      from: SIMULATION_START, migratePartnersAt: null, concurrency: o.concurrency, database: handle.kind, onStep: o.onStep,
    });
    return { report, stepMs, capture };
  } finally {
    await handle.close();
  }
}
