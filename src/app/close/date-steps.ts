import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { AppDeps } from '../deps.ts';
import { billReadyStep } from './bill-ready-step.ts';
import { outageProtectionStep } from './protection-step.ts';
import { plannerStatisticsStep } from './planner-statistics-step.ts';
import { collectionsCloseStep } from '../collections/close-step.ts';
import { creditReportStep } from '../credit-report/close-step.ts';

/**
 * Whole-date steps of the daily close that belong to other areas (collections, credit
 * reporting, ...). `before` steps run once when a date's run is created, before any plan of
 * that date is closed; `after` steps run once when the last partition is done, before the
 * next business date opens. Each step must be idempotent per date: a crash between a step
 * and the run's own bookkeeping runs it again.
 */
export interface CloseDateStep {
  /** Stable name, stored in the run record's counts. */
  name: string;
  run(deps: AppDeps, date: BusinessDate): Promise<Record<string, number>>;
}

export const beforePlanSteps: CloseDateStep[] = [
  // Register steps here (one import + one line each).
  plannerStatisticsStep, // reads and writes no business data; every later statement is planned on fresh statistics
  outageProtectionStep, // before the plans: every plan-day of the date reads the protections it records
];

export const afterPlanSteps: CloseDateStep[] = [
  // Register steps here (one import + one line each).
  billReadyStep,
  collectionsCloseStep,
  creditReportStep,
];
