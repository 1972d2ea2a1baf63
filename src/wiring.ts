import { openDatabase, type DatabaseHandle } from './adapters/db/connect.ts';
import { dbBusinessCalendar } from './adapters/db/business-calendar.ts';
import { uuidV7Ids } from './adapters/db/ids.ts';
import { systemClock, type Clock, type Notifier, type RiskDecider } from './app/ports.ts';
import type { AppDeps } from './app/deps.ts';
import type { Config } from './config.ts';
import { maskPhonesIn } from './core/privacy/mask.ts';
import { loadSigningSecret } from './app/secrets.ts';

/** Development notifier: prints to the server log (phone numbers masked), as the brief asks. */
export const logNotifier = (log: AppDeps['log']): Notifier => ({
  async send(n) { log(`notify ${n.channel} ${maskPhonesIn(n.to)} ${n.template}`, { params: n.params }); },
});

/** No external scorecard configured: approve, and say so in the decision record. */
export const approveAllRisk: RiskDecider = { async decide() { return { approve: true, reasons: ['no external risk model configured'], source: 'builtin' }; } };

export interface Wired { deps: AppDeps; handle: DatabaseHandle }

/** Composition root: wires adapters to ports. Tests call this with an in-memory data dir and a manual clock. */
export type Overrides = Partial<Pick<AppDeps, 'clock' | 'notifier' | 'risk' | 'log'>>;

export async function wire(config: Config, overrides: Overrides = {}): Promise<Wired> {
  const handle = await openDatabase({ ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }), poolSize: config.poolSize });
  return wireWith(handle, config, overrides);
}

/** Wires deps around an already open database (tests open theirs in memory or fresh). */
export async function wireWith(handle: DatabaseHandle, config: Config, overrides: Overrides = {}): Promise<Wired> {
  const clock: Clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? ((message: string, fields?: Record<string, unknown>) => {
    process.stderr.write(`${new Date().toISOString()} ${maskPhonesIn(message)}${fields ? ` ${maskPhonesIn(JSON.stringify(fields))}` : ''}\n`);
  });
  const secret = await loadSigningSecret(handle.db, config.signingSecret, clock.now());
  const deps: AppDeps = {
    secret, db: handle.db, dbKind: handle.kind, clock, calendar: dbBusinessCalendar(handle.db, clock), ids: uuidV7Ids,
    notifier: overrides.notifier ?? logNotifier(log), risk: overrides.risk ?? approveAllRisk, config, log,
  };
  return { deps, handle };
}
