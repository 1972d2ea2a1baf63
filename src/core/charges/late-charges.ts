import { addDays, daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import { mulDiv, type Fen } from '../money/fen.ts';
import type { LateChargeRule } from './late-charge-rule.ts';
import { byDate, owedBefore, owedTotal, subtract, type ChargeableInstallment, type Owed, type PaymentRecord } from './payment-history.ts';

/**
 * Day convention (算头不算尾 on the overdue days): the penalty for day d is charged on what
 * was owed at the START of d, i.e. after records dated before d. Paying on the due date
 * D costs nothing; paying on X > D counts X − D days, as Chinese bank statements do.
 * Grace is exceeded when anything of principal, interest or fee is still owed at the end of
 * the last grace day D + graceDays, so a payment ON the last grace day owes nothing; the
 * first day anything can be charged is D + graceDays + 1, and the late fee posts that day.
 */
export interface LateCharges {
  /** Penalty interest (罚息). */
  penalty: Fen;
  /** Flat late fee (滞纳金). */
  lateFee: Fen;
  total: Fen;
}

const NONE: LateCharges = { penalty: 0, lateFee: 0, total: 0 };

/** The last day of grace: a payment that lands on or before it avoids every charge. */
export const lastGraceDay = (rule: LateChargeRule, dueDate: BusinessDate): BusinessDate => addDays(dueDate, rule.graceDays);

/** The day grace runs out: the first day a charge can post. */
export const firstChargeDay = (rule: LateChargeRule, dueDate: BusinessDate): BusinessDate => addDays(dueDate, rule.graceDays + 1);

function graceExceededBy(rule: LateChargeRule, inst: ChargeableInstallment, history: readonly PaymentRecord[], date: BusinessDate): boolean {
  const first = firstChargeDay(rule, inst.dueDate);
  return date >= first && owedTotal(owedBefore(inst, history, first)) > 0;
}

function penaltyFrom(rule: LateChargeRule, dueDate: BusinessDate): BusinessDate {
  return rule.penaltyStart === 'from-due-date' ? addDays(dueDate, 1) : firstChargeDay(rule, dueDate);
}

/** One day's penalty on what is owed, rounded on its own (the daily close posts whole fen). */
export function dailyPenalty(rule: LateChargeRule, owed: Owed): Fen {
  const rate = rule.penaltyDailyRate;
  if (!rate || rate.num === 0) return 0;
  const base = rule.penaltyBase === 'overdue-principal' ? owed.principal : owedTotal(owed);
  return mulDiv(base, rate.num, rate.den, rule.rounding);
}

/**
 * The cap covers penalty + late fee together; the late fee takes its share first because it
 * posts first. `already` is what earlier days charged.
 */
function capped(rule: LateChargeRule, lateFee: Fen, penalty: Fen, already: Fen): LateCharges {
  if (rule.capPerInstallment === undefined) return { penalty, lateFee, total: penalty + lateFee };
  const room = Math.max(0, rule.capPerInstallment - already);
  const fee = Math.min(lateFee, room);
  const pen = Math.min(penalty, room - fee);
  return { penalty: pen, lateFee: fee, total: pen + fee };
}

/**
 * Uncapped penalty for days from..to inclusive. What is owed only changes on payment dates,
 * so the days are walked in runs between them: O(payments), not O(days).
 */
function penaltyOverDays(rule: LateChargeRule, inst: ChargeableInstallment, history: readonly PaymentRecord[], from: BusinessDate, to: BusinessDate): Fen {
  const records = byDate(history);
  const owed = owedBefore(inst, records, from);
  let i = records.findIndex((r) => r.date >= from);
  if (i < 0) i = records.length;
  let total = 0;
  let day = from;
  while (day <= to) {
    const next = records[i]?.date;
    const end = next !== undefined && next < to ? next : to;
    total += (daysBetween(day, end) + 1) * dailyPenalty(rule, owed);
    while (i < records.length && records[i]!.date <= end) subtract(owed, records[i++]!);
    day = addDays(end, 1);
  }
  return total;
}

/** (a) Everything late charges have added to one installment up to and including `asOf`. */
export function lateChargesAsOf(rule: LateChargeRule, inst: ChargeableInstallment, history: readonly PaymentRecord[], asOf: BusinessDate): LateCharges {
  if (!graceExceededBy(rule, inst, history, asOf)) return NONE;
  return capped(rule, rule.lateFee, penaltyOverDays(rule, inst, history, penaltyFrom(rule, inst.dueDate), asOf), 0);
}

/**
 * (b) What the daily close posts for one installment for `date`. On the day grace runs out
 * it posts the late fee and, under `from-due-date`, the grace days' penalty in one lump;
 * after that, one day's penalty. Summed over days it equals lateChargesAsOf (tested).
 */
export function lateChargeAccrualOn(rule: LateChargeRule, inst: ChargeableInstallment, history: readonly PaymentRecord[], date: BusinessDate): LateCharges {
  if (!graceExceededBy(rule, inst, history, date)) return NONE;
  const already = rule.capPerInstallment === undefined ? 0 : lateChargesAsOf(rule, inst, history, addDays(date, -1)).total;
  if (date !== firstChargeDay(rule, inst.dueDate)) return capped(rule, 0, dailyPenalty(rule, owedBefore(inst, history, date)), already);
  let penalty = 0;
  for (let d = penaltyFrom(rule, inst.dueDate); d <= date; d = addDays(d, 1)) penalty += dailyPenalty(rule, owedBefore(inst, history, d));
  return capped(rule, rule.lateFee, penalty, already);
}
