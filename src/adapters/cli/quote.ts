import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { quote, type Quote } from '../../core/pricing/quote.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { UsageError } from './usage-error.ts';

export const QUOTE_USAGE = `fenqi quote --amount 6000.00 --terms 12 --method equal-installment --annual-rate 12 --first-due 2026-01-10
            [--down-payment 1399.80 | --down-payment-percent 20] [--monthly-fee-rate 0.6 | --total-fee-rate 7.5]
            [--subsidy-rate 3] [--rounding half-up] [--apr-cap 24] [--json]`;

/** The JSON contract of `fenqi quote --json`: money as decimal strings with two decimals. Keep it stable. */
export function quoteToJson(q: Quote) {
  return {
    amount: formatYuan(q.amount), downPayment: formatYuan(q.downPayment), financed: formatYuan(q.financed),
    terms: q.terms, method: q.method, rounding: q.rounding, apr: q.aprPercent,
    totalInterest: formatYuan(q.totalInterest), totalFees: formatYuan(q.totalFees), totalRepayment: formatYuan(q.totalRepayment),
    merchantSubsidy: formatYuan(q.merchantSubsidy),
    installments: q.installments.map((i) => ({
      number: i.number, dueDate: i.dueDate, principal: formatYuan(i.principal), interest: formatYuan(i.interest),
      fee: formatYuan(i.fee), total: formatYuan(i.total), remainingPrincipal: formatYuan(i.remainingPrincipal),
    })),
  };
}

export async function runQuote(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        amount: { type: 'string' }, terms: { type: 'string' }, method: { type: 'string' }, 'annual-rate': { type: 'string' },
        'first-due': { type: 'string' }, 'down-payment': { type: 'string' }, 'down-payment-percent': { type: 'string' },
        'monthly-fee-rate': { type: 'string' }, 'total-fee-rate': { type: 'string' }, 'subsidy-rate': { type: 'string' },
        rounding: { type: 'string' }, 'apr-cap': { type: 'string' }, json: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}; usage: ${QUOTE_USAGE.split('\n')[0]}`);
  }
  for (const required of ['amount', 'terms', 'method', 'first-due'] as const) {
    if (values[required] === undefined) throw new UsageError(`--${required} is required; usage: ${QUOTE_USAGE.split('\n')[0]}`);
  }
  const result = quote({
    amount: values.amount, terms: values.terms, method: values.method, firstDue: values['first-due'],
    annualRate: values['annual-rate'], monthlyFeeRate: values['monthly-fee-rate'], totalFeeRate: values['total-fee-rate'],
    subsidyRate: values['subsidy-rate'], downPayment: values['down-payment'], downPaymentPercent: values['down-payment-percent'],
    rounding: values.rounding, aprCapPercent: values['apr-cap'],
  });
  if (!result.ok) throw new UsageError(`${result.error.message} (${result.error.code})`);
  out.write(values.json ? `${JSON.stringify(quoteToJson(result.value))}\n` : renderQuote(result.value));
}

function renderQuote(q: Quote): string {
  const table = new Table({
    head: ['期 #', 'due date', 'principal', 'interest', 'fee', 'total', 'remaining'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const i of q.installments) {
    table.push([i.number, i.dueDate, formatYuan(i.principal), formatYuan(i.interest), formatYuan(i.fee), formatYuan(i.total), formatYuan(i.remainingPrincipal)]);
  }
  const first = q.installments[0]!;
  const last = q.installments[q.installments.length - 1]!;
  const monthly = first.total === last.total ? formatYuan(first.total) : `${formatYuan(first.total)} (first) … ${formatYuan(last.total)} (last)`;
  const lines = [
    `${q.method}: amount ${formatYuan(q.amount)}, down payment ${formatYuan(q.downPayment)}, financed ${formatYuan(q.financed)} over ${q.terms} months (rounding ${q.rounding})`,
    table.toString(),
    `Monthly payment ${monthly} · total interest ${formatYuan(q.totalInterest)} · total fees ${formatYuan(q.totalFees)} · total cost ${formatYuan(q.totalInterest + q.totalFees)} · total repayment ${formatYuan(q.totalRepayment)} · APR ${q.aprPercent}%`,
  ];
  if (q.merchantSubsidy > 0) lines.push(`Merchant subsidy ${formatYuan(q.merchantSubsidy)} (paid by the merchant, not the customer)`);
  return `${lines.join('\n')}\n`;
}
