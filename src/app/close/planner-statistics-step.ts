import { refreshPlannerStatistics } from '../../adapters/db/planner-statistics.ts';
import type { CloseDateStep } from './date-steps.ts';

/**
 * The embedded database has no autovacuum, so the close, its one daily batch, refreshes the
 * planner's statistics of the tables that grew before it reads them: the day's plan steps and
 * the whole-date steps (bills, credit report) are planned on what the tables now hold. A
 * PostgreSQL server's autovacuum does this itself, so there the step does nothing.
 * Idempotent per date as a step must be: a second run finds nothing stale.
 */
export const plannerStatisticsStep: CloseDateStep = {
  name: 'planner_statistics',
  async run(deps): Promise<Record<string, number>> {
    if (deps.dbKind !== 'pglite') return {};
    return { tablesAnalyzed: (await refreshPlannerStatistics(deps.db)).length };
  },
};
