import { sql } from 'kysely';
import { formatYuan } from '../../core/money/parse.ts';
import type { DomainError } from '../../core/errors.ts';
import { journalWrites } from '../../adapters/db/ledger-store.ts';
import { RepaymentRecords } from '../servicing/batch/repayment-records.ts';
import { oneStatement } from '../servicing/batch/one-statement.ts';
import { planFundingWrites, quotaShortfall } from '../partners/route-partner.ts';
import type { TxContext } from '../context.ts';
import { originationEntry } from './origination-entry.ts';
import { merchantOrderExists, type PlanDecision } from './checkout-decision.ts';

/**
 * Writes every approved plan of a checkout in ONE statement (data-modifying CTEs, see
 * one-statement.ts): merchant orders (their uniqueness kept by ON CONFLICT), plans,
 * installments, partner quota and funding, credit lines (`usedFen`: each customer's line
 * once all their plans are added), journal entries and postings, outbox events with webhook
 * deliveries, and audit records. Returns null when all was written, or the error of the first
 * thing a concurrent checkout took between the reads and this write (a merchant order id, the
 * last of a partner's quota): the caller must then roll the transaction back.
 */
export async function writeCheckouts(ctx: Omit<TxContext, 'actor'>, plans: readonly PlanDecision[], usedFen: ReadonlyMap<string, number>): Promise<DomainError | null> {
  if (plans.length === 0) return null;
  const { at, businessDate } = ctx;
  const funding = planFundingWrites(at, businessDate, plans.map((p) => ({ customerId: p.customerId, planId: p.ids.plan, routing: p.routing })));
  const journal = journalWrites(plans.map((p) => ({
    ctx: { customerId: p.customerId, businessDate, at, ids: { next: () => p.ids.journal } }, entry: originationEntry(p.ids.plan, p.quote),
  })));
  const queue: string[] = [];
  const records = new RepaymentRecords(at, businessDate, () => queue.shift()!);
  for (const p of plans) {
    const { input, actor } = p.item;
    queue.push(p.ids.event, p.ids.delivery, p.ids.audit);
    records.event('plan.created', { merchantId: input.merchantId, customerId: p.customerId }, {
      planId: p.ids.plan, merchantOrderId: input.merchantOrderId, financed: formatYuan(p.quote.financed), terms: p.quote.terms, apr: p.quote.aprPercent,
    });
    records.audit(actor, 'plan.create', `plan:${p.ids.plan}`, { merchantOrderId: input.merchantOrderId, productId: input.productId, amountFen: input.amount });
  }
  const orders = plans.map((p) => ({ merchant_id: p.item.input.merchantId, merchant_order_id: p.item.input.merchantOrderId, customer_id: p.customerId, plan_id: p.ids.plan }));
  const lines = [...usedFen].map(([customer_id, used_fen]) => ({ customer_id, used_fen }));
  const written = await oneStatement([
    // w0 and w1: the two writes a concurrent checkout can refuse; the final SELECT counts them.
    sql`insert into merchant_orders (merchant_id, merchant_order_id, customer_id, plan_id)
      select merchant_id, merchant_order_id, customer_id, plan_id from jsonb_populate_recordset(null::merchant_orders, ${JSON.stringify(orders)}::jsonb)
      on conflict (merchant_id, merchant_order_id) do nothing returning merchant_order_id`,
    funding.quota,
    sql`insert into plans (${sql.raw(PLAN_COLUMNS)})
      select ${sql.raw(PLAN_COLUMNS)} from jsonb_populate_recordset(null::plans, ${JSON.stringify(plans.map((p) => planRow(ctx, p)))}::jsonb)`,
    sql`insert into installments (${sql.raw(INSTALLMENT_COLUMNS)})
      select ${sql.raw(INSTALLMENT_COLUMNS)} from jsonb_populate_recordset(null::installments, ${JSON.stringify(plans.flatMap(installmentRows))}::jsonb)`,
    funding.funding,
    sql`update credit_lines c set used_fen = v.used_fen, updated_at = ${at}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as v(customer_id uuid, used_fen bigint) where c.customer_id = v.customer_id`,
    journal.entries, journal.postings,
    ...records.writes(),
    sql`select (select count(*) from w0)::int as orders, (select string_agg(id::text, ',') from w1) as partners`,
  ]).execute(ctx.tx);
  const row = written.rows[0] as { orders: number; partners: string | null };
  if (row.orders !== plans.length) return merchantOrderExists(plans.length === 1 ? plans[0]!.item.input.merchantOrderId : '(one of a batch)');
  return quotaShortfall(funding, row.partners);
}

const PLAN_COLUMNS = `customer_id, id, merchant_id, merchant_order_id, product_id, product_version, description, method, terms, amount_fen,
  down_payment_fen, financed_fen, merchant_subsidy_fen, annual_rate, monthly_fee_rate, total_fee_rate, subsidy_rate, rounding, grace_days,
  late_charge_rule, allocation_strategy, payoff_policy, apr, start_date, first_due_date, status, decision, created_at, updated_at, closed_on`;

const INSTALLMENT_COLUMNS = 'customer_id, plan_id, number, due_date, principal_fen, interest_fen, fee_fen, settled_on';

function planRow(ctx: Omit<TxContext, 'actor'>, d: PlanDecision): Record<string, unknown> {
  const { input } = d.item;
  const { product: p, quote: q } = d;
  return {
    customer_id: d.customerId, id: d.ids.plan, merchant_id: input.merchantId, merchant_order_id: input.merchantOrderId,
    product_id: p.id, product_version: p.version, description: input.description ?? null, method: q.method, terms: q.terms,
    amount_fen: q.amount, down_payment_fen: q.downPayment, financed_fen: q.financed, merchant_subsidy_fen: q.merchantSubsidy,
    annual_rate: p.annual_rate, monthly_fee_rate: p.monthly_fee_rate, total_fee_rate: p.total_fee_rate, subsidy_rate: p.subsidy_rate,
    rounding: q.rounding, grace_days: p.grace_days, late_charge_rule: p.late_charge_rule,
    allocation_strategy: p.allocation_strategy, payoff_policy: p.payoff_policy, apr: q.aprPercent,
    start_date: ctx.businessDate, first_due_date: q.installments[0]!.dueDate, status: 'active', decision: d.decision,
    created_at: ctx.at, updated_at: ctx.at, closed_on: null,
  };
}

const installmentRows = (d: PlanDecision) => d.quote.installments.map((i) => ({
  customer_id: d.customerId, plan_id: d.ids.plan, number: i.number, due_date: i.dueDate,
  principal_fen: i.principal, interest_fen: i.interest, fee_fen: i.fee, settled_on: null,
}));
