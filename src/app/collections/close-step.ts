import { sql } from 'kysely';
import { runTx } from '../../adapters/db/tx.ts';
import type { CloseDateStep } from '../close/date-steps.ts';
import { settlePromises } from './settle-promises.ts';
import { collectionsSettings } from './settings.ts';
import { syncQueue } from './sync-queue.ts';

/**
 * The daily close's collections work, after every plan of the date has its DPD and bucket:
 * promises due by the date are settled (broken ones flagged), the queue follows the buckets,
 * and hardship offers past their time expire. One transaction; idempotent per date.
 */
export const collectionsCloseStep: CloseDateStep = {
  name: 'collections',
  async run(deps, date) {
    const at = deps.clock.now();
    return runTx(deps.db, async (tx) => {
      const promises = await settlePromises(tx, date);
      const queue = await syncQueue(tx, deps.ids, date, at, collectionsSettings(deps.config).assignment);
      const expired = await sql`update hardship_plans set status = 'expired', updated_at = ${at}::timestamptz where status = 'offered' and expires_at <= ${at}::timestamptz`.execute(tx);
      return {
        promisesKept: promises.kept, promisesBroken: promises.broken, casesOpened: queue.opened, casesClosed: queue.closed,
        casesAssigned: queue.assigned, offersExpired: Number(expired.numAffectedRows ?? 0),
      };
    });
  },
};
