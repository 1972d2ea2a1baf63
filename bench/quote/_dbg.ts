import { makeCases, METHOD_PAIRS, loanjs } from './inputs.ts';
import { quote } from '../../src/core/pricing/quote.ts';
for (const c of makeCases(256, 36, METHOD_PAIRS[1])) {
  const q = quote(c.request); if (!q.ok) throw 0;
  const l = loanjs(c);
  const bad = l.installments.map((row, k) => [k, Math.round(row.interest*100), q.value.installments[k]!.interest, row.interest, q.value.installments[k]!.principal, row.capital, row.remain]).filter(x => x[1] !== x[2]);
  if (bad.length) { console.log(c.amountFen, c.ratePercent, q.value.rounding); console.log(bad); }
}
