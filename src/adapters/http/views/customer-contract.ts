import { displayYuan } from '../../../core/money/parse.ts';
import { parseLateChargeRule, type LateChargeRule } from '../../../core/charges/late-charge-rule.ts';
import { parsePayoffPolicy, type PayoffPolicy } from '../../../core/payoff/payoff-policy.ts';
import type { PlanRow } from '../../db/plan-store.ts';

/**
 * The contract summary a customer reads (合同摘要): the terms frozen on the plan at checkout,
 * with the late-charge rule and the early-payoff policy in words, in Chinese and English.
 * The words are generated from the same parsed rules the money code uses, so they cannot
 * promise what the code does not do.
 */
export interface Localized { 'zh-CN': string; en: string }

const METHOD_NAMES: Record<string, Localized> = {
  'equal-installment': { 'zh-CN': '等额本息', en: 'equal installments (annuity)' },
  'equal-principal': { 'zh-CN': '等额本金', en: 'equal principal' },
  'fee-per-period': { 'zh-CN': '分期手续费', en: 'fee per period' },
  'interest-free': { 'zh-CN': '免息', en: 'interest-free' },
  'interest-only': { 'zh-CN': '先息后本', en: 'interest only, principal at the end' },
};

const hasRate = (percent: string | null) => percent !== null && Number(percent) > 0;

export function lateChargeWords(rule: LateChargeRule): Localized {
  const zh: string[] = [], en: string[] = [];
  const g = rule.graceDays;
  zh.push(g > 0 ? `还款日后 ${g} 天内为宽限期，宽限期内还清不收任何费用` : '还款日当天未还清即为逾期');
  en.push(g > 0 ? `${g} days' grace after the due date: pay in full within it and nothing is charged` : 'anything unpaid at the end of the due date is overdue');
  const rate = rule.penaltyDailyRate && rule.penaltyDailyRate.num > 0 ? rule.penaltyDailyRate.percent : null;
  if (rate) {
    const fromDue = rule.penaltyStart === 'from-due-date';
    const principalOnly = rule.penaltyBase === 'overdue-principal';
    zh.push(`超过宽限期仍未还清的，${fromDue ? '自还款日次日起（含宽限期）' : '自宽限期结束次日起'}按${principalOnly ? '逾期本金' : '逾期本金、利息和手续费'}每日 ${rate}% 计收罚息，不计复利`);
    en.push(`past grace, penalty interest of ${rate}% a day on the overdue ${principalOnly ? 'principal' : 'principal, interest and fees'}, counted from ${fromDue ? 'the day after the due date, grace days included' : 'the day after grace ends'}; never on penalties`);
  }
  if (rule.lateFee > 0) {
    zh.push(`超过宽限期时一次性收取滞纳金 ${displayYuan(rule.lateFee)}`);
    en.push(`a one-off late fee of ${displayYuan(rule.lateFee)} when grace runs out`);
  }
  if (!rate && rule.lateFee === 0) {
    zh.push('逾期不收罚息和滞纳金');
    en.push('no penalty interest or late fee is charged');
  } else if (rule.capPerInstallment !== undefined) {
    zh.push(`每期罚息与滞纳金合计不超过 ${displayYuan(rule.capPerInstallment)}`);
    en.push(`penalty and late fee together never exceed ${displayYuan(rule.capPerInstallment)} per installment`);
  }
  return { 'zh-CN': `${zh.join('；')}。`, en: `${capitalise(en.join('; '))}.` };
}

export function earlyPayoffWords(policy: PayoffPolicy, plan: Pick<PlanRow, 'annual_rate' | 'monthly_fee_rate' | 'total_fee_rate'>): Localized {
  const zh: string[] = [], en: string[] = [];
  if (hasRate(plan.annual_rate)) {
    zh.push('利息计至还款当日（当期按实际天数计算），以后各期利息免收');
    en.push("interest runs to the day you pay (the current period by actual days); later periods' interest is waived");
  }
  if (hasRate(plan.monthly_fee_rate) || hasRate(plan.total_fee_rate)) {
    const f = policy.remainingFees;
    if (f.code === 'waive-remaining') { zh.push('未到期的分期手续费全部免收'); en.push('fees of installments not yet due are waived'); }
    if (f.code === 'charge-remaining') { zh.push('未到期的分期手续费仍需全部支付'); en.push('fees of installments not yet due are still charged in full'); }
    if (f.code === 'charge-n-periods') {
      zh.push(`收取当期起 ${f.periods} 期的分期手续费，其余免收`);
      en.push(`fees are charged for ${f.periods} installment${f.periods > 1 ? 's' : ''} from the current one; the rest are waived`);
    }
  }
  if (zh.length === 0) { zh.push('只需归还剩余本金'); en.push('only the remaining principal is repaid'); }
  const e = policy.earlyRepaymentFee;
  if (e.code === 'none') { zh.push('不收提前还款违约金'); en.push('no early-repayment fee'); }
  if (e.code === 'flat') { zh.push(`收取提前还款违约金 ${displayYuan(e.amount)}`); en.push(`a flat early-repayment fee of ${displayYuan(e.amount)}`); }
  if (e.code === 'percent-of-prepaid-principal') {
    zh.push(`按提前归还本金的 ${e.rate.percent}% 收取提前还款违约金`);
    en.push(`an early-repayment fee of ${e.rate.percent}% of the principal repaid early`);
  }
  return { 'zh-CN': `可随时提前还清：${zh.join('；')}。`, en: `You may pay off early at any time: ${en.join('; ')}.` };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A stored rule we cannot read is shown as such rather than failing the whole plan view. */
function unreadable(what: Localized, graceDays: number): Localized {
  return { 'zh-CN': `宽限期 ${graceDays} 天；${what['zh-CN']}以合同原文为准。`, en: `${graceDays} days' grace; ${what.en} as in the signed contract.` };
}

export function contractView(plan: PlanRow) {
  const rule = parseLateChargeRule(plan.late_charge_rule);
  const policy = parsePayoffPolicy(plan.payoff_policy);
  return {
    method: plan.method, methodName: METHOD_NAMES[plan.method] ?? { 'zh-CN': plan.method, en: plan.method }, terms: plan.terms,
    annualRate: plan.annual_rate, monthlyFeeRate: plan.monthly_fee_rate, totalFeeRate: plan.total_fee_rate, apr: plan.apr,
    graceDays: plan.grace_days, rounding: plan.rounding,
    lateCharges: rule.ok ? lateChargeWords(rule.value) : unreadable({ 'zh-CN': '逾期费用', en: 'late charges' }, plan.grace_days),
    earlyPayoff: policy.ok ? earlyPayoffWords(policy.value, plan) : unreadable({ 'zh-CN': '提前还款规则', en: 'early payoff' }, plan.grace_days),
  };
}
