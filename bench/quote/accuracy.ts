import type { LoanInstance } from 'loanjs';
import { quote, type Quote } from '../../src/core/pricing/quote.ts';
import { loanjs, type LoanCase } from './inputs.ts';

/**
 * How loanjs's floating-point yuan compare with Fenqi's exact fen on the same loans. loanjs
 * rounds each figure with Math.round(x * 100) / 100 and then adds and subtracts those floats,
 * so a printed row can carry float noise and the last row is not adjusted for the residue
 * (loanjs adds the residue to its totals only).
 */
export interface AccuracyReport {
  cases: number;
  /** Σ capital over loanjs's rows ≠ the amount, to the fen. */
  principalRowsNotAmount: number;
  /** Largest |Σ capital − amount| seen, in fen. */
  principalRowsMaxDiffFen: number;
  /** Σ installment over loanjs's rows ≠ loanjs's own `sum`, to the fen. */
  rowsNotOwnTotal: number;
  /** loanjs `sum` ≠ Fenqi totalRepayment, to the fen. */
  totalNotFenqi: number;
  totalMaxDiffFen: number;
  /** loanjs `interestSum` ≠ Fenqi totalInterest, to the fen. */
  interestNotFenqi: number;
  /** Rows (all but the last, which the two libraries settle differently) whose principal ≠ Fenqi's. */
  rowPrincipalNotFenqi: number;
  /** Rows whose interest ≠ Fenqi's exact interest, to the fen. */
  rowInterestNotFenqi: number;
  rows: number;
  /** Row figures that are not the nearest double to a whole number of fen (e.g. 85.25000000000001). */
  rowFiguresWithFloatNoise: number;
  rowFigures: number;
}

const toFen = (yuan: number): number => Math.round(yuan * 100);
const isCleanFen = (yuan: number): boolean => Math.round(yuan * 100) / 100 === yuan;

export function compareWithLoanjs(cases: readonly LoanCase[]): AccuracyReport {
  const r: AccuracyReport = {
    cases: 0, principalRowsNotAmount: 0, principalRowsMaxDiffFen: 0, rowsNotOwnTotal: 0, totalNotFenqi: 0,
    totalMaxDiffFen: 0, interestNotFenqi: 0, rowPrincipalNotFenqi: 0, rowInterestNotFenqi: 0, rows: 0, rowFiguresWithFloatNoise: 0, rowFigures: 0,
  };
  for (const c of cases) {
    const q = quote(c.request);
    if (!q.ok) throw new Error(q.error.message);
    compareOne(c, q.value, loanjs(c), r);
  }
  return r;
}

function compareOne(c: LoanCase, fenqi: Quote, loan: LoanInstance, r: AccuracyReport): void {
  r.cases++;
  let capitalFen = 0;
  let installmentFen = 0;
  loan.installments.forEach((row, k) => {
    capitalFen += toFen(row.capital);
    installmentFen += toFen(row.installment);
    r.rows++;
    const exact = fenqi.installments[k]!;
    if (k < c.terms - 1 && toFen(row.capital) !== exact.principal) r.rowPrincipalNotFenqi++;
    if (toFen(row.interest) !== exact.interest) r.rowInterestNotFenqi++;
    for (const figure of [row.capital, row.interest, row.installment, row.remain]) {
      r.rowFigures++;
      if (!isCleanFen(figure)) r.rowFiguresWithFloatNoise++;
    }
  });
  const principalDiff = Math.abs(capitalFen - c.amountFen);
  if (principalDiff !== 0) r.principalRowsNotAmount++;
  r.principalRowsMaxDiffFen = Math.max(r.principalRowsMaxDiffFen, principalDiff);
  if (installmentFen !== toFen(loan.sum)) r.rowsNotOwnTotal++;
  const totalDiff = Math.abs(toFen(loan.sum) - fenqi.totalRepayment);
  if (totalDiff !== 0) r.totalNotFenqi++;
  r.totalMaxDiffFen = Math.max(r.totalMaxDiffFen, totalDiff);
  if (toFen(loan.interestSum) !== fenqi.totalInterest) r.interestNotFenqi++;
}
