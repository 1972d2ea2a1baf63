import { sql } from 'kysely';
import { addDays, type BusinessDate } from '../../core/calendar/business-date.ts';
import { installmentChoice, returnChoice, type CustomerScript, type Purchase } from '../../core/simulate/behaviour.ts';
import { increment } from '../../core/simulate/report.ts';
import { createPlans } from '../checkout/create-plans.ts';
import { returnGoods } from '../checkout/return-goods.ts';
import { getCustomerPayoffQuote } from '../customers/views/payoff-quote.ts';
import { startPayments } from '../payments/start-payments.ts';
import { signAgreement } from '../payments/autodebit/agreements.ts';
import { sandboxOf } from '../payments/gateways.ts';
import { handleNotifications } from '../payments/handle-notifications.ts';
import type { RepaymentTarget } from '../servicing/repayment-targets.ts';
import { execute } from '../execute.ts';
import type { CreatedPlan } from '../checkout/create-plan.ts';
import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import type { SimStore } from './sim-store.ts';

/** One thing a customer does on a business date. */
export type Action =
  | { kind: 'buy'; purchase: Purchase }
  | { kind: 'pay'; purchase: number; dueDate: BusinessDate }
  | { kind: 'payoff'; purchase: number }
  | { kind: 'return'; purchase: number; returnKind: 'full' | 'partial'; percent: number };

/** What one customer's actions are scheduled on (kept in memory for the run). */
export interface SimCustomer { script: CustomerScript; customerId: string | null; plans: Map<number, string> }

/** Tallies for the report; plain counters, so concurrent customers may add to them in any order. */
export interface ActionTally {
  done: Record<string, number>; skipped: Record<string, number>; rejected: Record<string, number>;
  declined: Record<string, number>; returns: { full: number; partial: number }; agreements: number;
}

export const emptyTally = (): ActionTally => ({ done: {}, skipped: {}, rejected: {}, declined: {}, returns: { full: 0, partial: 0 }, agreements: 0 });

/** The business dates' agenda: date → customer index → actions in the order they happen. */
export class Agenda {
  private readonly days = new Map<BusinessDate, Map<number, Action[]>>();
  constructor(private readonly last: BusinessDate) {}
  add(date: BusinessDate, customer: number, action: Action): void {
    if (date > this.last) return;
    let day = this.days.get(date);
    if (!day) this.days.set(date, (day = new Map()));
    const actions = day.get(customer);
    if (actions) actions.push(action);
    else day.set(customer, [action]);
  }
  /** The day's customers in index order, and forgets the day. */
  take(date: BusinessDate): [number, Action[]][] {
    const day = this.days.get(date);
    this.days.delete(date);
    return day ? [...day.entries()].sort(([a], [b]) => a - b) : [];
  }
}

export interface ActionEnv { deps: AppDeps; store: SimStore; seed: number; agenda: Agenda; tally: ActionTally }

/** A payment a customer chose in this round: started, paid at the cashier and settled with the round's others. */
interface ChosenPayment { customer: number; customerId: string; target: RepaymentTarget; amount: number; what: string }

/** A purchase a customer makes in this round: checked out with the round's others. */
interface ChosenCheckout { customer: SimCustomer; purchase: Purchase }

/** What a round's actions share: what each bill payer owes (read once for the round), the purchases and the payments chosen. */
interface Round { owed: Map<number, number>; checkouts: ChosenCheckout[]; payments: ChosenPayment[] }

/**
 * The day's customers act in rounds: in round k every customer with a k-th action does it
 * (at most `concurrency` at once). The purchases the round's customers make are checked out
 * together, in customer order (createPlans: one transaction for the round's checkouts). The payments the round's customers choose are then started
 * together (startPayments: one transaction records them all, the sandbox opens each cashier),
 * each customer pays at the cashier, and the sandbox's signed notifications for the trades paid
 * are delivered to Fenqi as one burst (handleNotifications: one transaction for the common
 * case). A customer's next action comes in the next round, so each customer still sees their
 * payment's result before doing anything else, as when each payment went through alone.
 * Customers touch only their own books, so the order between customers in a round changes nothing.
 */
export async function runCustomerRounds(env: ActionEnv, day: [number, Action[]][], customers: SimCustomer[], today: BusinessDate, concurrency: number): Promise<void> {
  const sandbox = sandboxOf(env.deps);
  if (!sandbox) throw new Error('simulate: the sandbox gateway is off');
  const rounds = day.reduce((most, [, actions]) => Math.max(most, actions.length), 0);
  // The simulator delivers the cashier's notifications itself, a round's at once: the sandbox must not send them a second time.
  const faults = sandbox.faults;
  sandbox.faults = { ...faults, lostCallback: true };
  try {
    for (let k = 0; k < rounds; k++) {
      const acting = day.filter(([, actions]) => actions.length > k).map(([index, actions]) => [index, actions[k]!] as const);
      const round: Round = { owed: await owedOnBills(env, customers, acting), checkouts: [], payments: [] };
      await pool(acting, concurrency, ([index, action]) => runAction(env, customers[index]!, action, today, round));
      await checkOutPurchases(env, round.checkouts.sort((x, y) => x.customer.script.index - y.customer.script.index), today);
      await payAtCashier(env, round.payments.sort((x, y) => x.customer - y.customer));
    }
  } finally {
    sandbox.faults = faults;
  }
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await work(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * 还本期账单: what each of the round's bill payers owes that is due on or before their bill's
 * due date (active plans), in one read for the round. A customer acts once per round, so
 * this is what they see when they open their bill.
 */
async function owedOnBills(env: ActionEnv, customers: SimCustomer[], acting: readonly (readonly [number, Action])[]): Promise<Map<number, number>> {
  const bills = acting.flatMap(([index, a]) => {
    const c = customers[index]!;
    return a.kind === 'pay' && c.customerId && c.plans.has(a.purchase) ? [{ index, customerId: c.customerId, dueDate: a.dueDate }] : [];
  });
  if (bills.length === 0) return new Map();
  const r = await sql<{ index: number; owed: number }>`
    select v.index, coalesce(sum((i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
      + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) + (i.penalty_fen - i.paid_penalty_fen - i.waived_penalty_fen)), 0)::bigint as owed
    from jsonb_to_recordset(${JSON.stringify(bills)}::jsonb) as v("index" int, "customerId" uuid, "dueDate" date)
    left join plans p on p.customer_id = v."customerId" and p.status = 'active'
    left join installments i on i.customer_id = p.customer_id and i.plan_id = p.id and i.due_date <= v."dueDate"
    group by v.index`.execute(env.deps.db);
  return new Map(r.rows.map((row) => [Number(row.index), Number(row.owed)]));
}

async function runAction(env: ActionEnv, c: SimCustomer, a: Action, today: BusinessDate, round: Round): Promise<void> {
  switch (a.kind) {
    case 'buy': round.checkouts.push({ customer: c, purchase: a.purchase }); break;
    case 'pay': payBill(env, c, a.purchase, a.dueDate, round); break;
    case 'payoff': await payOff(env, c, a.purchase, today, round); break;
    case 'return': await returnOrder(env, c, a.purchase, a.returnKind, a.percent); break;
  }
}

const customerActor = (customerId: string): Actor => ({ kind: 'customer', id: customerId });
/** Actions fall on a later day than the checkout at the earliest. */
const notBefore = (date: BusinessDate, today: BusinessDate) => (date <= today ? addDays(today, 1) : date);

/** The round's purchases through checkout at once (createPlans), each then followed up as alone: agenda, auto-debit agreement. */
async function checkOutPurchases(env: ActionEnv, chosen: readonly ChosenCheckout[], today: BusinessDate): Promise<void> {
  if (chosen.length === 0) return;
  const { store } = env;
  const merchant: Actor = { kind: 'merchant', id: store.merchantId };
  const results = await createPlans(env.deps, chosen.map(({ customer: c, purchase: p }) => ({
    actor: merchant,
    input: {
      merchantId: store.merchantId, merchantOrderId: `SIM-${c.script.index}-${p.n}`, phone: c.script.phone,
      productId: store.products[p.productCode]!, amount: p.amountFen, downPayment: 0, description: `simulated order ${p.n}`,
    },
  })));
  for (let i = 0; i < chosen.length; i++) await bought(env, chosen[i]!.customer, chosen[i]!.purchase, results[i]!, today);
}

async function bought(env: ActionEnv, c: SimCustomer, p: Purchase, r: Result<CreatedPlan, DomainError>, today: BusinessDate): Promise<void> {
  const { deps, seed, agenda, tally } = env;
  if (!r.ok) { increment(tally.declined, r.error.code); return; }
  increment(tally.done, 'buy');
  c.customerId = r.value.customerId;
  c.plans.set(p.n, r.value.planId);
  const installments = r.value.quote.installments;
  for (const i of installments) {
    const choice = installmentChoice(seed, c.script, p.n, i.number, installments.length);
    if (choice.kind === 'nothing') continue;
    const on = notBefore(addDays(i.dueDate, choice.daysFromDue), today);
    agenda.add(on, c.script.index, choice.kind === 'pay' ? { kind: 'pay', purchase: p.n, dueDate: i.dueDate } : { kind: 'payoff', purchase: p.n });
  }
  const ret = returnChoice(seed, c.script, p.n);
  if (ret) agenda.add(addDays(today, ret.daysAfterPurchase), c.script.index, { kind: 'return', purchase: p.n, returnKind: ret.kind, percent: ret.percent });
  if (c.script.persona === 'auto_debit' && p.n === 1) {
    // 签约自动扣款 at the first checkout, for all of the customer's plans.
    const signed = await signAgreement(deps, customerActor(c.customerId), { customerId: c.customerId, gateway: 'sandbox' });
    if (signed.ok) tally.agreements++;
    else increment(tally.rejected, `autodebit_${signed.error.code}`);
  }
}

/** 还本期账单: everything the customer owes that is due on or before the bill's due date (owedOnBills), paid at the sandbox cashier. */
function payBill(env: ActionEnv, c: SimCustomer, purchase: number, dueDate: BusinessDate, round: Round): void {
  if (!c.customerId || !c.plans.has(purchase)) { increment(env.tally.skipped, 'no_plan'); return; }
  const amount = round.owed.get(c.script.index) ?? 0;
  if (amount === 0) { increment(env.tally.skipped, 'nothing_owed'); return; }
  // A bill whose due date is still ahead, or the latest overdue one: the customer picks the bill by its date.
  round.payments.push({ customer: c.script.index, customerId: c.customerId, target: { kind: 'bill', dueDate }, amount, what: 'pay' });
}

async function payOff(env: ActionEnv, c: SimCustomer, purchase: number, today: BusinessDate, round: Round): Promise<void> {
  const planId = c.plans.get(purchase);
  if (!c.customerId || !planId) { increment(env.tally.skipped, 'no_plan'); return; }
  const quote = await getCustomerPayoffQuote(env.deps.db, c.customerId, planId, today);
  if (!quote.ok) { increment(env.tally.skipped, `payoff_${quote.error.code}`); return; }
  if (quote.value.quote.total === 0) { increment(env.tally.skipped, 'nothing_owed'); return; }
  round.payments.push({ customer: c.script.index, customerId: c.customerId, target: { kind: 'payoff', planId }, amount: quote.value.quote.total, what: 'payoff' });
}

/**
 * The real payment path for the round's payments: started (startPayments), "paid" at the
 * sandbox cashier one by one, and settled by the cashier's signed notifications, delivered together.
 */
async function payAtCashier(env: ActionEnv, chosen: ChosenPayment[]): Promise<void> {
  if (chosen.length === 0) return;
  const sandbox = sandboxOf(env.deps)!;
  const started = await startPayments(env.deps, chosen.map((p) => ({
    actor: customerActor(p.customerId), input: { customerId: p.customerId, target: p.target, amount: p.amount, gateway: 'sandbox' as const },
  })));
  const paid: string[] = [];
  for (let i = 0; i < chosen.length; i++) {
    const { what } = chosen[i]!;
    const s = started[i]!;
    if (!s.ok) { increment(env.tally.rejected, `${what}_${s.error.code}`); continue; }
    const outcome = await sandbox.pay(s.value.out_trade_no);
    if (outcome === 'paid') { paid.push(s.value.out_trade_no); increment(env.tally.done, what); }
    else increment(env.tally.rejected, `${what}_cashier_${outcome}`);
  }
  const raws = (await sandbox.notificationsFor(paid)).flatMap((raw) => (raw ? [raw] : []));
  if (raws.length > 0) await handleNotifications(env.deps, 'sandbox', raws);
}

async function returnOrder(env: ActionEnv, c: SimCustomer, purchase: number, kind: 'full' | 'partial', percent: number): Promise<void> {
  const planId = c.plans.get(purchase);
  if (!planId) { increment(env.tally.skipped, 'no_plan'); return; }
  const { deps, store, tally } = env;
  const plan = await deps.db.selectFrom('plans').select(['amount_fen', 'status']).where('customer_id', '=', c.customerId!).where('id', '=', planId).executeTakeFirstOrThrow();
  if (plan.status !== 'active') { increment(tally.skipped, `return_plan_${plan.status}`); return; }
  // Goods worth `percent` of the order, in whole yuan (floor: the merchant refunds no more than the goods' price).
  const amount = Math.floor((plan.amount_fen * percent) / 100 / 100) * 100;
  const r = await execute(deps, { kind: 'merchant', id: store.merchantId }, (ctx) => returnGoods(ctx, {
    merchantId: store.merchantId, planId, kind, ...(kind === 'partial' ? { amount } : {}), reason: kind === 'full' ? 'customer returned the order' : 'customer returned part of the order',
  }));
  if (!r.ok) { increment(tally.rejected, `return_${r.error.code}`); return; }
  tally.returns[kind]++;
  increment(tally.done, `return_${kind}`);
}
