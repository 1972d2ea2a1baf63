import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { ok } from '../../core/result.ts';
import { systemActor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { applyProtections } from '../entrances/detect-protections.ts';
import { applyIncidents } from '../entrances/incidents.ts';
import { loadProtectionSettings } from '../entrances/protection-store.ts';
import { execute } from '../execute.ts';
import type { CloseDateStep } from './date-steps.ts';

/**
 * Outage protection (issue 6) for the date, before any plan of it is closed: the plan-days
 * read the protected installments' extended due dates (plan-day-store.ts), so a customer the
 * platform failed that day is charged nothing, marked nothing and sent no overdue notice.
 * applyProtections is idempotent per date, as a before-step must be.
 *
 * A deployment that has registered no repayment entrance at all has no history to judge an
 * outage or a move from (dayOutage would read the empty registry as "nothing open all day"
 * and protect every plan every day, switching late charges off): there, only declared
 * incidents apply.
 */
export const outageProtectionStep: CloseDateStep = {
  name: 'outage_protection',
  async run(deps: AppDeps, date: BusinessDate): Promise<Record<string, number>> {
    const registered = await deps.db.selectFrom('entrances').select('code').limit(1).executeTakeFirst();
    if (!registered) {
      const r = await execute(deps, systemActor, async (ctx) => ok(await applyIncidents(ctx, date, await loadProtectionSettings(ctx.tx))));
      if (!r.ok || r.replayed) throw new Error(`incident protection for ${date} did not run`);
      return { incidents: r.value.incidents, installmentsProtected: r.value.installments };
    }
    const r = await execute(deps, systemActor, (ctx) => applyProtections(ctx, date));
    if (!r.ok) throw new Error(`outage protection for ${date}: ${r.error.code}: ${r.error.message}`);
    if (r.replayed) return {};
    const { outageClasses, movedClasses, incidents, installmentsProtected } = r.value;
    return { outageClasses, movedClasses, incidents, installmentsProtected };
  },
};
