import type { Static } from 'typebox';
import { domainError, type DomainError } from '../../../core/errors.ts';
import { parseYuan } from '../../../core/money/parse.ts';
import { parseBusinessDate } from '../../../core/calendar/business-date.ts';
import { err, ok, type Result } from '../../../core/result.ts';
import type { RepaymentTarget } from '../../../app/servicing/repayment-targets.ts';
import type { RepaymentRequest } from '../schemas.ts';

/** Turns the HTTP repayment body into an exact target and amount, or says what is missing. */
export function parseRepaymentRequest(body: Static<typeof RepaymentRequest>): Result<{ target: RepaymentTarget; amount: number }, DomainError> {
  const amount = parseYuan(body.amount, { field: 'amount', allowZero: false });
  if (!amount.ok) return amount;
  const needPlan = () => err(domainError('validation_failed', `kind ${body.kind} needs planId`, 'planId'));
  switch (body.kind) {
    case 'installment':
      if (!body.planId) return needPlan();
      if (!body.installmentNumber) return err(domainError('validation_failed', 'kind installment needs installmentNumber', 'installmentNumber'));
      return ok({ target: { kind: 'installment', planId: body.planId, installmentNumber: body.installmentNumber }, amount: amount.value });
    case 'bill': {
      if (body.dueDate !== undefined) {
        const d = parseBusinessDate(body.dueDate, 'dueDate');
        if (!d.ok) return d;
      }
      return ok({ target: { kind: 'bill', ...(body.dueDate ? { dueDate: body.dueDate } : {}) }, amount: amount.value });
    }
    case 'amount':
      return ok({ target: { kind: 'amount', ...(body.planId ? { planId: body.planId } : {}) }, amount: amount.value });
    case 'payoff':
      if (!body.planId) return needPlan();
      return ok({ target: { kind: 'payoff', planId: body.planId }, amount: amount.value });
    default:
      return err(domainError('validation_failed', 'unknown kind', 'kind'));
  }
}
