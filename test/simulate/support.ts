import { Writable } from 'node:stream';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/connect.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { ManualClock } from '../../src/app/ports.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { NoticeCapture } from '../../src/app/simulate/capture-notices.ts';
import { runSimulation, type SimOptions } from '../../src/app/simulate/run-simulation.ts';
import type { SimReport } from '../../src/core/simulate/report.ts';

/** Collects what a CLI command writes. */
export class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done(); }
}

export interface SimRun { report: SimReport; deps: AppDeps; handle: DatabaseHandle; capture: NoticeCapture }

/** A simulation in process on in-memory PGlite, keeping the database open for the test to inspect or corrupt. */
export async function simulateInProcess(o: Partial<SimOptions> & Pick<SimOptions, 'customers' | 'months' | 'seed'>): Promise<SimRun> {
  const handle = await openDatabase({ dataDir: 'memory://' });
  const clock = new ManualClock(new Date('2026-01-01T01:00:00Z'));
  const capture = new NoticeCapture();
  const { deps } = await wireWith(handle, { ...loadConfig({}, { seedDemo: false }), signingSecret: 'sim-test' }, { clock, notifier: capture.notifier(), log: () => {} });
  const report = await runSimulation(deps, clock, capture, { from: '2026-01-01', migratePartnersAt: null, concurrency: 4, database: handle.kind, ...o });
  return { report, deps, handle, capture };
}
