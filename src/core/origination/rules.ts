import type { Fen } from '../money/fen.ts';
import type { ErrorCode } from '../errors.ts';

export interface OriginationFacts {
  limitFen: Fen;
  usedFen: Fen;
  frozen: boolean;
  financedFen: Fen;
  accountAgeDays: number;
  minAccountAgeDays: number;
  overdueInstallments: number;
}

export interface RuleDecision {
  approve: boolean;
  /** Every rule's verdict, recorded on the plan so a decline can be explained later. */
  checks: { rule: string; passed: boolean; detail: string }[];
  /** The error code of the first failed rule. */
  declineCode?: ErrorCode;
}

/** The built-in origination rules, run before any external risk model. Pure and ordered. */
export function applyOriginationRules(f: OriginationFacts): RuleDecision {
  const available = f.limitFen - f.usedFen;
  const checks: RuleDecision['checks'] = [
    { rule: 'credit_line_not_frozen', passed: !f.frozen, detail: f.frozen ? 'credit line is frozen' : 'credit line is open' },
    { rule: 'credit_line_sufficient', passed: available >= f.financedFen, detail: `available ${available} fen, needs ${f.financedFen} fen` },
    { rule: 'no_overdue_installments', passed: f.overdueInstallments === 0, detail: `${f.overdueInstallments} overdue installment(s)` },
    { rule: 'account_age', passed: f.accountAgeDays >= f.minAccountAgeDays, detail: `account age ${f.accountAgeDays} day(s), minimum ${f.minAccountAgeDays}` },
  ];
  const codes: Record<string, ErrorCode> = {
    credit_line_not_frozen: 'credit_line_frozen', credit_line_sufficient: 'credit_line_insufficient',
    no_overdue_installments: 'origination_declined', account_age: 'origination_declined',
  };
  const failed = checks.find((c) => !c.passed);
  return failed ? { approve: false, checks, declineCode: codes[failed.rule]! } : { approve: true, checks };
}
