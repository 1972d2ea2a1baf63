import { applyAllocations } from '../../../core/allocation/allocate.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { Fen } from '../../../core/money/fen.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { err, invariant, ok, type Result } from '../../../core/result.ts';
import {
  creditLinesWrite, installmentDeltasWrite, InstallmentDeltas, lockCustomersQuery, openPlansByCustomer, openPlansQuery, paidOffPlansWrite,
  type CreditLineChange, type CreditLineRow,
} from '../../../adapters/db/plan-store.ts';
import { journalWrites, type PostContext } from '../../../adapters/db/ledger-store.ts';
import { THEN_COMMIT } from '../../../adapters/db/pipelined-pool.ts';
import type { JournalEntry } from '../../../core/ledger/journal.ts';
import { sql, type RawBuilder } from 'kysely';
import type { Actor, TxContext } from '../../context.ts';
import type { Idempotency } from '../../execute.ts';
import type { CustomerBook } from '../customer-book.ts';
import type { PlanAllocation } from '../plan-allocation.ts';
import type { PostedRepayment, PostRepaymentInput } from '../post-repayment.ts';
import { repaymentEntry, waiverEntry } from '../repayment-entry.ts';
import { planTargets, type Targeted } from '../repayment-targets.ts';
import { RepaymentRecords } from './repayment-records.ts';
import { claimKeysWrite, keyOf, readHeldKeys, type HeldKey } from './idempotency-keys.ts';
import { oneStatement } from './one-statement.ts';
import type { NoticeRequest } from '../../notices/enqueue-notice.ts';
import { repaymentNotices, repaymentNoticesWrite } from './repayment-notices.ts';
import { catchUpClose, customersBehindClose } from './close-catch-up.ts';
import { bookReadQuery, parseBookRead, type CustomerMarks } from './book-read.ts';
import { clashingPayment, paymentInFlight } from '../../payments/in-flight-clash.ts';
import { shanghaiDateOf } from '../../../core/calendar/shanghai.ts';
import { isUuid } from '../../../core/ids.ts';
import { inOneTrip } from '../../../adapters/db/one-trip.ts';

/**
 * One repayment to post, and who asked for it (each has its own audit record). A customer's
 * own request refuses to pay what a gateway payment in flight may already cover (409
 * payment_in_flight, as the cashier does); money that has already arrived (a gateway's
 * settlement) is posted whatever is in flight.
 */
export interface RepaymentJob { input: PostRepaymentInput; actor: Actor; refuseWhilePaymentInFlight?: boolean }

/** A transaction shared by a batch: one time, one business date; the actor is per job. */
export type BatchContext = Omit<TxContext, 'actor'>;

/**
 * 还款入账, set-based: posts any number of repayments, for any customers, inside the caller's
 * transaction, in three statements whatever the batch size — lock every customer involved
 * (credit line rows, in customer_id order), read their open plans and installments (with the
 * close marks, the payments in flight and the business date: book-read.ts), and, after
 * deciding each repayment in memory in job order, write everything (installments, plans,
 * credit lines, repayments and allocations, journal entries with their postings, outbox events,
 * audit records, the customers' notices) in one statement. The read also says whether a
 * customer's plans are behind the daily close; only then does the batch bring them up to date
 * first (close-catch-up.ts), so late charges a missed
 * close owed are paid in the right order. This is the only implementation: postRepayment() is
 * a batch of one, and the HTTP batcher drives the same RepaymentPosting.
 *
 * Jobs for the same customer apply one after the other to that customer's in-memory book, so
 * a batch ends exactly where running its jobs serially in that order would. A job that fails
 * with a domain error writes nothing and gets its error; the others go on. A thrown error (an
 * invariant, the database) fails the whole batch: the caller's transaction rolls back.
 */
export async function postRepayments(ctx: BatchContext, jobs: readonly RepaymentJob[]): Promise<Result<PostedRepayment, DomainError>[]> {
  const { posting } = await RepaymentPosting.open(ctx, jobs.map((j) => j.input.customerId));
  const results = jobs.map((job) => posting.post(job));
  await posting.write();
  return results;
}

/** A batch context whose business date, when not given, is read with the books. */
export type OpeningContext = Omit<BatchContext, 'businessDate'> & { businessDate?: BusinessDate };

/**
 * A batch of repayments being posted in one transaction: open (lock + read), post each job
 * in memory, then one final write statement.
 */
export class RepaymentPosting {
  private readonly w: BatchWrites;
  private constructor(
    ctx: BatchContext, private readonly books: Map<string, CustomerBook>, private readonly marks: ReadonlyMap<string, CustomerMarks>,
  ) {
    this.w = new BatchWrites(ctx);
  }

  /**
   * Locks the customers and reads their books: lock order customer → plans → installments.
   * The read is a statement of its own, after the lock: it takes its snapshot once the locks
   * are held, so under READ COMMITTED it shows what the previous holder of a lock committed.
   * It is sent behind the lock without waiting for the lock's answer (inOneTrip), which does
   * not change when it runs.
   * With `claims`, the lock statement first claims those idempotency keys, before it takes any
   * customer lock; `held` then has what is stored under each key it could not claim (read by
   * a third statement, only then). The read (book-read.ts) also brings the close marks, the
   * payments in flight and, when the caller has none, the business date. On a PostgreSQL
   * server BEGIN, the lock and the read share one round trip.
   */
  static async open(
    ctx: OpeningContext, customerIds: readonly string[], claims: readonly Idempotency[] = [], sessionTokenHashes: readonly string[] = [],
  ): Promise<{ posting: RepaymentPosting; held: Map<string, HeldKey> }> {
    const { tx } = ctx;
    const ids = customerIds.filter(isUuid);
    type LockRow = Partial<CreditLineRow> & { claimed?: [string, string][] };
    const lock: RawBuilder<LockRow> = claims.length === 0 ? lockCustomersQuery(ids) : sql<LockRow>`
        with claim as (${claimKeysWrite(claims, ctx.at)}), line as (${lockCustomersQuery(ids, sql`select count(*) from claim`)})
        select c.claimed, l.* from (select coalesce(json_agg(json_build_array(scope, key)), '[]'::json) as claimed from claim) as c
        left join line as l on true order by l.customer_id`;
    // The read goes out behind the lock (one round trip) and runs once the lock is held.
    const [locked, booksRead] = await inOneTrip(tx, lock, bookReadQuery(ids, { tokenHashes: sessionTokenHashes, now: ctx.at }));
    // With claims, the statement's first row carries the claimed keys, and a customer-less row
    // stands for "no credit line locked".
    const lines = locked.rows.filter((r) => r.customer_id != null).map(({ claimed: _c, ...line }) => line as CreditLineRow);
    let held = new Map<string, HeldKey>();
    if (claims.length > 0) {
      const claimed = new Set(locked.rows[0]!.claimed!.map(([scope, key]) => keyOf({ scope, key })));
      if (claimed.size < claims.length) held = await readHeldKeys(tx, claims.filter((c) => !claimed.has(keyOf(c))));
    }
    const read = parseBookRead(booksRead.rows);
    // The date the batch decides on: the caller's, or the one read with the books (the business calendar's rule).
    const businessDate = ctx.businessDate ?? read.businessDate ?? shanghaiDateOf(ctx.at);
    const batchCtx: BatchContext = { ...ctx, businessDate };
    const byCustomer = read.plans;
    // Customers without active plans have nothing a missed close could have charged.
    const behind = customersBehindClose(read.marks, businessDate).filter((id) => byCustomer.has(id));
    if (behind.length > 0) {
      // Rare (missed or running closes): catch up, then read those customers' plans again.
      await catchUpClose(batchCtx, behind);
      for (const id of behind) byCustomer.delete(id);
      for (const [id, plans] of openPlansByCustomer((await openPlansQuery(behind).execute(tx)).rows)) byCustomer.set(id, plans);
    }
    const books = new Map(lines.map((line) => [line.customer_id, { line, plans: byCustomer.get(line.customer_id) ?? [] }]));
    return { posting: new RepaymentPosting(batchCtx, books, read.marks), held };
  }

  /** Whether the session with this token hash is one of the customer's live sessions (as read under the lock; only hashes passed to open). */
  sessionLive(customerId: string, tokenHash: string): boolean {
    return this.marks.get(customerId)?.live_sessions.includes(tokenHash) ?? false;
  }

  /** Decides one repayment against the books as the jobs before it left them, and queues its writes. */
  post(job: RepaymentJob): Result<PostedRepayment, DomainError> {
    const book = this.books.get(job.input.customerId);
    if (book && job.refuseWhilePaymentInFlight) {
      const { target } = job.input;
      const inFlight = (this.marks.get(job.input.customerId)?.payments_in_flight ?? []).map(([id, planIds]) => ({ id, plan_ids: planIds }));
      const clash = clashingPayment(inFlight, 'planId' in target && target.planId ? [target.planId] : undefined);
      if (clash) return err(paymentInFlight(clash));
    }
    return decide(this.w.ctx, book, job, this.w);
  }
  /**
   * Writes every posted repayment, with `extra` writes of the caller (idempotency responses),
   * in one statement. `lastBeforeCommit`: the caller's transaction sends nothing after this
   * but COMMIT (or ROLLBACK), so on a PostgreSQL server the write goes out with the COMMIT
   * behind it, one round trip for both (THEN_COMMIT); its error, if any, is then thrown by
   * the COMMIT.
   */
  async write(extra: readonly RawBuilder<unknown>[] = [], { lastBeforeCommit = false } = {}): Promise<void> {
    if (this.w.empty && extra.length === 0) return;
    const { tx, deps, at } = this.w.ctx;
    const statement = oneStatement([...this.w.writes(), repaymentNoticesWrite(deps, at, this.w.notices), ...extra]);
    await (lastBeforeCommit ? sql`${sql.raw(THEN_COMMIT)} ${statement}` : statement).execute(tx);
  }
}

const validAmount = (amount: Fen) => Number.isSafeInteger(amount) && amount > 0;

function decide(ctx: BatchContext, book: CustomerBook | undefined, job: RepaymentJob, w: BatchWrites): Result<PostedRepayment, DomainError> {
  const { input } = job;
  if (!validAmount(input.amount)) return err(domainError('amount_invalid', 'amount must be greater than zero', 'amount'));
  if (!book) return err(domainError('customer_not_found', 'no such customer'));
  if (input.channel === 'credit_balance' && input.amount > book.line.credit_balance_fen) {
    return err(domainError('credit_balance_insufficient', `the credit balance is ${formatYuan(book.line.credit_balance_fen)}`, 'amount'));
  }
  const targeted = planTargets(book, input.target, input.amount, ctx.businessDate);
  if (!targeted.ok) return targeted;
  const t = targeted.value;
  // Credit balance can pay what is owed but cannot become credit balance again.
  const fromBalance = input.channel === 'credit_balance';
  const amount = fromBalance ? input.amount - t.unapplied : input.amount;
  const unapplied = fromBalance ? 0 : t.unapplied;
  const applied = sum(t.parts);
  invariant(applied + unapplied + t.charges === amount, 'repayment parts add up to the amount');
  const posted: PostedRepayment = {
    repaymentId: ctx.deps.ids.next(), customerId: input.customerId, kind: input.target.kind, amount, applied, toCreditBalance: unapplied,
    charges: t.charges, parts: t.parts, waived: t.waivers, paidOffPlanIds: t.paidOffPlanIds, businessDate: ctx.businessDate,
  };
  const line: CreditLineChange = {
    customerId: input.customerId, usedDelta: -(principalOf(t.parts) + principalOf(t.waivers)), creditBalanceDelta: unapplied - (fromBalance ? amount : 0),
  };
  w.add(job, posted, t, book, line);
  applyToBook(book, t, line);
  return ok(posted);
}

/** What the next job for the same customer in this batch must see: this one's effect, as if committed. */
function applyToBook(book: CustomerBook, t: Targeted, line: CreditLineChange): void {
  for (const plan of book.plans) {
    const waived = t.waivers.filter((x) => x.planId === plan.row.id).flatMap((x) => x.allocations);
    const paid = t.parts.filter((x) => x.planId === plan.row.id).flatMap((x) => x.allocations);
    if (waived.length > 0) plan.states = applyAllocations(plan.states, waived, 'waived');
    if (paid.length > 0) plan.states = applyAllocations(plan.states, paid, 'paid');
  }
  book.line = { ...book.line, used_fen: book.line.used_fen + line.usedDelta, credit_balance_fen: book.line.credit_balance_fen + line.creditBalanceDelta };
  invariant(book.line.credit_balance_fen >= 0, 'a repayment never spends more credit balance than there is');
  // Only active plans are in a book, as loadOpenPlans reads them.
  if (t.paidOffPlanIds.length > 0) book.plans = book.plans.filter((p) => !t.paidOffPlanIds.includes(p.row.id));
}

const sum = (parts: PlanAllocation[]) => parts.reduce((s, p) => s + p.allocations.reduce((x, a) => x + a.amount, 0), 0);
const principalOf = (parts: PlanAllocation[]) => parts.reduce((s, p) => s + p.allocations.reduce((x, a) => x + (a.component === 'principal' ? a.amount : 0), 0), 0);

/** Everything the batch will write, gathered while deciding, then written one statement per table group. */
class BatchWrites {
  private readonly deltas = new InstallmentDeltas();
  private readonly lines = new Map<string, CreditLineChange>();
  private readonly closed: { customerId: string; planId: string }[] = [];
  private readonly journal: { ctx: PostContext; entry: JournalEntry }[] = [];
  private readonly records: RepaymentRecords;
  /** Receipts and paid-off notices, queued by the batch's write statement. */
  readonly notices: NoticeRequest[] = [];

  constructor(readonly ctx: BatchContext) {
    this.records = new RepaymentRecords(ctx.at, ctx.businessDate, () => ctx.deps.ids.next());
  }

  add(job: RepaymentJob, r: PostedRepayment, t: Targeted, book: CustomerBook, line: CreditLineChange): void {
    const { input, actor } = job;
    const c = input.customerId;
    for (const part of t.parts) for (const a of part.allocations) this.deltas.add(c, part.planId, a, 'paid');
    for (const wv of t.waivers) for (const a of wv.allocations) this.deltas.add(c, wv.planId, a, 'waived');
    const sumLine = this.lines.get(c) ?? { customerId: c, usedDelta: 0, creditBalanceDelta: 0 };
    this.lines.set(c, { customerId: c, usedDelta: sumLine.usedDelta + line.usedDelta, creditBalanceDelta: sumLine.creditBalanceDelta + line.creditBalanceDelta });
    for (const planId of t.paidOffPlanIds) this.closed.push({ customerId: c, planId });

    const planId = 'planId' in input.target && input.target.planId ? input.target.planId : null;
    this.records.repayment({
      customerId: c, id: r.repaymentId, planId, kind: input.target.kind, amount: r.amount, applied: r.applied, toCreditBalance: r.toCreditBalance,
      charges: r.charges, channel: input.channel, externalRef: input.externalRef ?? null,
    });
    let seq = 0;
    for (const part of t.parts) for (const a of part.allocations) this.records.allocation(c, r.repaymentId, seq++, part.planId, a.installmentNumber, a.component, a.amount);
    for (const wv of t.waivers) for (const a of wv.allocations) this.records.payoffWaiver(c, r.repaymentId, actor, wv.planId, a.installmentNumber, a.component, a.amount);

    const post: PostContext = { customerId: c, businessDate: this.ctx.businessDate, at: this.ctx.at, ids: this.ctx.deps.ids };
    this.journal.push({ ctx: post, entry: repaymentEntry(r.repaymentId, input.channel, t.parts, r.toCreditBalance, t.charges) });
    if (t.waivers.length > 0) this.journal.push({ ctx: post, entry: waiverEntry(r.repaymentId, t.waivers) });

    for (const part of t.parts) {
      const plan = book.plans.find((p) => p.row.id === part.planId);
      invariant(plan, 'a repayment part belongs to one of the customer\'s open plans');
      const paidOff = t.paidOffPlanIds.includes(part.planId);
      this.records.event(paidOff ? 'plan.paid_off' : 'plan.repaid', { merchantId: plan.row.merchant_id, customerId: plan.row.customer_id }, {
        planId: part.planId, merchantOrderId: plan.row.merchant_order_id, repaymentId: r.repaymentId,
        amount: part.allocations.reduce((s, a) => s + a.amount, 0),
      });
    }
    this.notices.push(...repaymentNotices(r, input.channel));
    this.records.audit(actor, 'repayment.post', `repayment:${r.repaymentId}`, { kind: input.target.kind, amountFen: r.amount, channel: input.channel });
  }

  get empty(): boolean { return this.journal.length === 0; }

  /** Plans before installments (the lock order); every customer is already locked. */
  writes(): RawBuilder<unknown>[] {
    const { businessDate, at } = this.ctx;
    const journal = journalWrites(this.journal);
    return [
      paidOffPlansWrite(this.closed, businessDate, at),
      installmentDeltasWrite(this.deltas.rows(), businessDate),
      creditLinesWrite([...this.lines.values()], at),
      ...this.records.writes(),
      journal.entries,
      journal.postings,
    ];
  }
}
