import { sql } from 'kysely';
import type { AppDeps } from '../../app/deps.ts';
import type { CustomerCreditLine } from '../../app/customers/views/credit-line.ts';
import { hashToken } from '../../adapters/http/auth.ts';
import { billView, creditLineView, currentBillView } from '../../adapters/http/views/customer-views.ts';
import { buildBills, type Bill, type BillablePlan } from '../../core/billing/bill.ts';
import { currentBill } from '../../core/billing/current-bill.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import type { InstallmentState } from '../../core/servicing/installment-state.ts';
import type { BillList, CreditLine, CurrentBill, CustomerPlan } from '../api-client.ts';
import { ApiFailure, SessionEnded } from '../request-context.ts';

/**
 * Per-page read models for the two pages every customer opens: home and bills.
 *
 * Each page is ONE SQL statement: the session check, the business date, the customer's billing
 * cycle, the billed plans and their installments (and, for home, the credit line and the
 * unread count), aggregated as JSON. Measured on the 2-core bench host, every statement costs
 * ~0.2 ms of this process's CPU in socket writes alone, plus PostgreSQL's own work; the pages
 * used to send 12–13 statements through 3–4 in-process API calls, each authenticating the
 * same token again (BENCHMARKS.md, "Portal pages under load").
 *
 * The rules those API calls enforced hold here unchanged:
 * - Session: the same test as authenticate() in adapters/http/auth.ts — the token's SHA-256,
 *   not revoked, not expired at the app clock's now. No row means the session is gone.
 * - Ownership: every table is read by the session's customer id, never by an id from the URL.
 * - Money is derived from the installments on every read, by the same core functions the API
 *   uses (buildBills, currentBill), and turned into the API's own shapes by the API's views
 *   (billView, currentBillView, creditLineView), so the pages render exactly what the API
 *   would have answered. Nothing is cached: a paid bill shows paid on the next load.
 * - Consistency: one statement sees one snapshot, which is what the API's REPEATABLE READ
 *   read-only transaction (customers/views/snapshot.ts) bought at the cost of BEGIN/COMMIT.
 * - Business date: system_state.business_date, else today in Shanghai — the rule of
 *   adapters/db/business-calendar.ts, read in the same statement instead of one more.
 *
 * This is an app-level read model living in web/ only because of file ownership in this
 * round; its natural home is src/app/customers/views/ beside customer-bills.ts.
 */

/** The plan statuses whose installments make bills (customer-bills.ts BILLED_PLAN_STATUSES). */
const BILLED = sql`('active', 'paid_off')`;

interface PageRow {
  /** jsonb of system_state.business_date, absent before one is set. */
  today: unknown;
  /** [statement_day, due_day], null when the customers row is missing. */
  customer: [number, number] | null;
  /** [id, description, terms, grace_days, merchant name] per billed plan, oldest first. */
  plans: [string, string | null, number, number, string | null][];
  /** [plan_id, number, due_date, principal, interest, fee, penalty, paid ×4, waived ×4]. */
  installments: [string, number, string, ...number[]][];
  /** [limit, used, credit_balance, frozen, frozen_reason], home only. */
  line?: [number, number, number, boolean, string | null] | null;
  unread?: number;
}

function pageQuery(deps: AppDeps, token: string, withHome: boolean) {
  const customer = sql`s.customer_id`;
  const home = withHome ? sql`,
    'line', (select json_build_array(l.limit_fen, l.used_fen, l.credit_balance_fen, l.frozen, l.frozen_reason) from credit_lines l where l.customer_id = ${customer}),
    'unread', (select count(*) from inbox_messages n where n.customer_id = ${customer} and n.read_at is null)` : sql``;
  return sql<{ page: PageRow | string }>`select json_build_object(
    'today', (select value from system_state where key = 'business_date'),
    'customer', (select json_build_array(c.statement_day, c.due_day) from customers c where c.id = ${customer}),
    'plans', (select coalesce(json_agg(json_build_array(p.id, p.description, p.terms, p.grace_days, m.name) order by p.created_at, p.id), '[]'::json)
              from plans p left join merchants m on m.id = p.merchant_id where p.customer_id = ${customer} and p.status in ${BILLED}),
    'installments', (select coalesce(json_agg(json_build_array(i.plan_id, i.number, i.due_date, i.principal_fen, i.interest_fen, i.fee_fen, i.penalty_fen,
                i.paid_principal_fen, i.paid_interest_fen, i.paid_fee_fen, i.paid_penalty_fen,
                i.waived_principal_fen, i.waived_interest_fen, i.waived_fee_fen, i.waived_penalty_fen) order by i.plan_id, i.number), '[]'::json)
              from installments i where i.customer_id = ${customer}
                and i.plan_id in (select p.id from plans p where p.customer_id = ${customer} and p.status in ${BILLED}))${home}
  ) as page
  from sessions s where s.token_hash = ${hashToken(token)} and s.revoked_at is null and s.expires_at > ${deps.clock.now()}`.execute(deps.db);
}

interface PageData { today: BusinessDate; bills: Bill[]; plans: BillablePlan[]; merchants: Map<string, string | null>; row: PageRow }

async function readPage(deps: AppDeps, token: string, withHome: boolean): Promise<PageData> {
  const result = await pageQuery(deps, token, withHome);
  const raw = result.rows[0]?.page;
  if (raw === undefined) throw new SessionEnded();
  const row = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PageRow;
  const today = typeof row.today === 'string' ? row.today : shanghaiDateOf(deps.clock.now());
  // The API answers customer_not_found (404) here, which a page cannot do without.
  if (!row.customer) throw new ApiFailure(404, 'customer_not_found');
  const byPlan = new Map<string, InstallmentState[]>(row.plans.map((p) => [p[0], []]));
  for (const i of row.installments) byPlan.get(i[0])?.push(installmentOf(i));
  const plans: BillablePlan[] = row.plans.map(([planId, description, terms, graceDays]) => ({ planId, description, terms, graceDays, installments: byPlan.get(planId)! }));
  const bills = buildBills(plans, { statementDay: row.customer[0], dueDay: row.customer[1] }, today);
  return { today, bills, plans, merchants: new Map(row.plans.map((p) => [p[0], p[4]])), row };
}

function installmentOf(i: PageRow['installments'][number]): InstallmentState {
  const [, number, dueDate, principal, interest, fee, penalty, pp, pi, pf, pn, wp, wi, wf, wn] = i as [string, number, string, ...number[]];
  return {
    number, dueDate, principal: principal!, interest: interest!, fee: fee!, penalty: penalty!,
    paid: { principal: pp!, interest: pi!, fee: pf!, penalty: pn! }, waived: { principal: wp!, interest: wi!, fee: wf!, penalty: wn! },
  };
}

export interface HomeRead { current: CurrentBill; line: CreditLine; unread: number }

/** Home: the current bill (with anything past due), the credit line, the unread count. */
export async function readHome(deps: AppDeps, token: string): Promise<HomeRead> {
  const { today, bills, row } = await readPage(deps, token, true);
  if (!row.line) throw new ApiFailure(404, 'customer_not_found');
  const [limit, used, creditBalance, frozen, frozenReason] = row.line;
  const line: CustomerCreditLine = { limit, used, available: Math.max(0, limit - used), frozen, frozenReason: frozen ? frozenReason : null, creditBalance };
  return { current: currentBillView(currentBill(bills, today), today), line: creditLineView(line), unread: Number(row.unread ?? 0) };
}

/** What the bills page names an item by: the plan's description, else its merchant. */
export type PlanName = Pick<CustomerPlan, 'id' | 'description' | 'merchantName'>;

export interface BillsRead { list: BillList; plans: PlanName[] }

/** Bills: every bill, paid history included, and the names of the plans they are made of. */
export async function readBills(deps: AppDeps, token: string): Promise<BillsRead> {
  const { today, bills, plans, merchants } = await readPage(deps, token, false);
  // A plan without a merchant row is left out, as the API's inner join leaves it out of /v1/me/plans.
  const names = plans.flatMap((p) => {
    const merchantName = merchants.get(p.planId);
    return merchantName == null ? [] : [{ id: p.planId, description: p.description, merchantName }];
  });
  return { list: { asOf: today, bills: bills.map((b) => billView(b, today)) }, plans: names };
}
