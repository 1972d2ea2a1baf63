import { addMonthsClamped, splitDate, type BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { restructure, type Restructure } from '../../core/hardship/restructure.ts';
import { parsePercent, type Rate } from '../../core/money/rate.ts';
import type { RoundingMode } from '../../core/money/rounding.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { BookPlan } from '../servicing/customer-book.ts';

const rate = (text: string | null): Rate | undefined => {
  if (!text) return undefined;
  const r = parsePercent(text);
  return r.ok ? r.value : undefined;
};

/** The plan's own due day, on the first such date after `asOf`: the customer keeps paying on the day they know. */
export function nextDueDate(plan: BookPlan, asOf: BusinessDate): BusinessDate {
  const day = splitDate(plan.row.first_due_date).day;
  const sameMonth = addMonthsClamped(asOf, 0, day);
  return sameMonth > asOf ? sameMonth : addMonthsClamped(asOf, 1, day);
}

export const penaltyOutstanding = (plan: BookPlan): number =>
  plan.states.reduce((s, i) => s + i.penalty - i.paid.penalty - i.waived.penalty, 0);

export interface RestructureTerms { terms: number; firstDue: BusinessDate; penaltyKept: number }

/** Runs the core restructure on an open plan with the plan's own pricing. */
export function restructurePlan(plan: BookPlan, asOf: BusinessDate, t: RestructureTerms): Result<Restructure, DomainError> {
  if (plan.row.status !== 'active') return err(domainError('plan_not_active', `the plan is ${plan.row.status}`));
  return restructure({
    states: plan.states, asOf, terms: t.terms, firstDue: t.firstDue, penaltyKept: t.penaltyKept,
    pricing: {
      method: plan.row.method, rounding: plan.row.rounding as RoundingMode, annualRate: rate(plan.row.annual_rate),
      monthlyFeeRate: rate(plan.row.monthly_fee_rate), totalFeeRate: rate(plan.row.total_fee_rate), originalTerms: plan.row.terms,
    },
  });
}
