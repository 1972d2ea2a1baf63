import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/tx.ts';
import type { Clock } from '../../../app/ports.ts';
import type {
  CreatePaymentRequest, DebitRequest, DebitResult, GatewayPayload, NotificationCheck, NotificationReply, PaymentGateway, QueryResult, RawNotification,
  RefundRequest, RefundResult, SignAgreementRequest, StatementLine,
} from '../../../app/payments/ports.ts';
import { shanghaiDayRange } from './statement.ts';
import { SandboxAgreements } from './sandbox-agreements.ts';
import { DEFAULT_FAULTS, GatewayTimeout, type SandboxFaults } from './faults.ts';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

export interface SandboxOptions {
  db: Db;
  clock: Clock;
  /** Signs notifications and cashier links; derived from the deployment secret, never logged. */
  key: string;
  publicUrl: string;
  faults?: SandboxFaults;
  /** Hands a notification to Fenqi's notify endpoint (in-process, or over HTTP). */
  deliver: (raw: RawNotification) => Promise<NotificationReply>;
}

/**
 * The built-in gateway. It keeps its own books (sandbox_trades), as a real provider does on
 * its side, so its status query and statement can disagree with Fenqi exactly as a real one
 * can when a notification is lost.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox' as const;
  faults: SandboxFaults;
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly agreements: SandboxAgreements;
  constructor(private readonly o: SandboxOptions) {
    this.faults = { ...(o.faults ?? DEFAULT_FAULTS) };
    this.agreements = new SandboxAgreements(o.db, o.clock, () => this.faults, (outTradeNo) => this.scheduleNotifications(outTradeNo));
  }

  signAgreement(r: SignAgreementRequest) { return this.agreements.sign(r.customerRef); }
  async cancelAgreement(agreementNo: string): Promise<void> { await this.agreements.revoke(agreementNo); }
  debit(r: DebitRequest): Promise<DebitResult> { return this.agreements.debit(r); }

  cashierToken(outTradeNo: string): string {
    return createHmac('sha256', this.o.key).update(`cashier:${outTradeNo}`).digest('base64url').slice(0, 22);
  }

  checkCashierToken(outTradeNo: string, token: string): boolean {
    const expected = Buffer.from(this.cashierToken(outTradeNo));
    const given = Buffer.from(String(token));
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async createPayment(r: CreatePaymentRequest): Promise<GatewayPayload> {
    return (await this.createPayments([r]))[0]!;
  }

  /** Many orders in one write (a round of the simulator's cashier payments); the same trades and answers as one call each. */
  async createPayments(requests: readonly CreatePaymentRequest[]): Promise<GatewayPayload[]> {
    this.maybeTimeout();
    const now = this.o.clock.now();
    const trades = requests.map((r) => ({
      out_trade_no: r.outTradeNo, trade_no: `SBX${r.outTradeNo.slice(0, 24).toUpperCase()}`, amount_fen: r.amount, subject: r.subject, expires_at: r.expiresAt,
    }));
    // One parameter whatever the number of orders; a retried order keeps its first trade (on conflict do nothing), as one by one.
    await sql`insert into sandbox_trades (out_trade_no, trade_no, amount_fen, subject, status, created_at, paid_at, expires_at)
      select out_trade_no, trade_no, amount_fen, subject, 'waiting', ${now}::timestamptz, null, expires_at
      from jsonb_to_recordset(${JSON.stringify(trades)}::jsonb) as v(out_trade_no text, trade_no text, amount_fen bigint, subject text, expires_at timestamptz)
      on conflict (out_trade_no) do nothing`.execute(this.o.db);
    return requests.map((r) => ({ kind: 'redirect' as const, url: `${this.o.publicUrl}/sandbox/cashier/${r.outTradeNo}?t=${this.cashierToken(r.outTradeNo)}` }));
  }

  /** The cashier's 支付 button. Returns what the customer is told. */
  async pay(outTradeNo: string): Promise<'paid' | 'already_paid' | 'insufficient_funds' | 'not_payable'> {
    if (!this.faults.insufficientFunds) {
      // The common case in one statement: a waiting trade not yet expired is paid. Any other
      // trade is then read and answered as below (the update changed nothing).
      const now = this.o.clock.now();
      const paid = await this.o.db.updateTable('sandbox_trades').set({ status: 'paid', paid_at: now })
        .where('out_trade_no', '=', outTradeNo).where('status', '=', 'waiting').where('expires_at', '>', now).executeTakeFirst();
      if (Number(paid.numUpdatedRows) === 1) {
        this.scheduleNotifications(outTradeNo);
        return 'paid';
      }
    }
    const trade = await this.trade(outTradeNo);
    if (!trade) return 'not_payable';
    if (trade.status === 'paid') return 'already_paid';
    if (trade.status !== 'waiting' || trade.expires_at.getTime() <= this.o.clock.now().getTime()) return 'not_payable';
    if (this.faults.insufficientFunds) return 'insufficient_funds';
    const updated = await this.o.db.updateTable('sandbox_trades').set({ status: 'paid', paid_at: this.o.clock.now() })
      .where('out_trade_no', '=', outTradeNo).where('status', '=', 'waiting').executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return 'already_paid';
    this.scheduleNotifications(outTradeNo);
    return 'paid';
  }

  /** The cashier's 失败 button: the customer's payment is declined. */
  async decline(outTradeNo: string): Promise<void> {
    await this.o.db.updateTable('sandbox_trades').set({ status: 'failed' }).where('out_trade_no', '=', outTradeNo).where('status', '=', 'waiting').execute();
  }

  /** Builds the notification the sandbox sends for a paid trade (also used by tests to replay one). */
  async notificationFor(outTradeNo: string): Promise<RawNotification | null> {
    return this.notificationOf(await this.trade(outTradeNo));
  }

  /** notificationFor() for many trades, in one read (the simulator delivers a round's at once); in the order asked. */
  async notificationsFor(outTradeNos: readonly string[]): Promise<(RawNotification | null)[]> {
    if (outTradeNos.length === 0) return [];
    const trades = await this.o.db.selectFrom('sandbox_trades').selectAll().where('out_trade_no', 'in', [...new Set(outTradeNos)]).execute();
    const byNo = new Map(trades.map((t) => [t.out_trade_no, t]));
    return outTradeNos.map((no) => this.notificationOf(byNo.get(no)));
  }

  private notificationOf(t: Awaited<ReturnType<SandboxGateway['trade']>>): RawNotification | null {
    if (!t || t.status !== 'paid') return null;
    const rawBody = JSON.stringify({ out_trade_no: t.out_trade_no, trade_no: t.trade_no, amount_fen: t.amount_fen, status: 'paid', paid_at: t.paid_at?.toISOString() });
    return { headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: this.sign(rawBody) }, rawBody };
  }

  sign(rawBody: string): string {
    return createHmac('sha256', this.o.key).update(rawBody).digest('hex');
  }

  verifyNotification(raw: RawNotification): NotificationCheck {
    const given = Buffer.from(raw.headers[SANDBOX_SIGNATURE_HEADER] ?? '', 'utf8');
    const expected = Buffer.from(this.sign(raw.rawBody), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, signatureValid: false, reason: 'bad signature' };
    let body: { out_trade_no?: unknown; trade_no?: unknown; amount_fen?: unknown; status?: unknown };
    try { body = JSON.parse(raw.rawBody); } catch { return { ok: false, signatureValid: true, reason: 'body is not JSON' }; }
    if (typeof body.out_trade_no !== 'string' || typeof body.trade_no !== 'string' || !Number.isSafeInteger(body.amount_fen)) {
      return { ok: false, signatureValid: true, reason: 'missing fields' };
    }
    return { ok: true, outTradeNo: body.out_trade_no, gatewayRef: body.trade_no, amount: body.amount_fen as number, paid: body.status === 'paid', tradeStatus: String(body.status) };
  }

  reply(accepted: boolean): NotificationReply {
    return accepted ? { status: 200, contentType: 'text/plain', body: 'success' } : { status: 400, contentType: 'text/plain', body: 'fail' };
  }

  async queryPayment(outTradeNo: string): Promise<QueryResult> {
    this.maybeTimeout();
    const t = await this.trade(outTradeNo);
    if (!t) return { state: 'not_found' };
    if (t.status === 'paid') return { state: 'paid', amount: t.amount_fen, gatewayRef: t.trade_no };
    if (t.status === 'waiting' && t.expires_at.getTime() <= this.o.clock.now().getTime()) return { state: 'closed', detail: 'expired unpaid' };
    return { state: t.status };
  }

  async closePayment(outTradeNo: string): Promise<void> {
    await this.o.db.updateTable('sandbox_trades').set({ status: 'closed' }).where('out_trade_no', '=', outTradeNo).where('status', '=', 'waiting').execute();
  }

  async refund(r: RefundRequest): Promise<RefundResult> {
    this.maybeTimeout();
    const done = await this.o.db.selectFrom('sandbox_refunds').selectAll().where('out_request_no', '=', r.outRequestNo).executeTakeFirst();
    if (done) return done.amount_fen === r.amount ? { ok: true, gatewayRef: `SBXR${r.outRequestNo}` } : { ok: false, reason: 'out_request_no reused with another amount', retryable: false };
    const t = await this.trade(r.outTradeNo);
    if (!t || t.status !== 'paid') return { ok: false, reason: 'trade not paid', retryable: false };
    if (t.refunded_fen + r.amount > t.amount_fen) return { ok: false, reason: 'refund exceeds the amount paid', retryable: false };
    await this.o.db.transaction().execute(async (tx) => {
      await tx.insertInto('sandbox_refunds').values({ out_request_no: r.outRequestNo, out_trade_no: r.outTradeNo, amount_fen: r.amount, refunded_at: this.o.clock.now() }).execute();
      await tx.updateTable('sandbox_trades').set((eb) => ({ refunded_fen: eb('refunded_fen', '+', r.amount) })).where('out_trade_no', '=', r.outTradeNo).execute();
    });
    return { ok: true, gatewayRef: `SBXR${r.outRequestNo}` };
  }

  async statement(date: string): Promise<StatementLine[]> {
    const [from, to] = shanghaiDayRange(date);
    const paid = await this.o.db.selectFrom('sandbox_trades').selectAll().where('status', '=', 'paid')
      .where('paid_at', '>=', from).where('paid_at', '<', to).orderBy('paid_at').execute();
    const refunds = await this.o.db.selectFrom('sandbox_refunds').innerJoin('sandbox_trades', 'sandbox_trades.out_trade_no', 'sandbox_refunds.out_trade_no')
      .select(['sandbox_refunds.out_request_no', 'sandbox_refunds.out_trade_no', 'sandbox_refunds.amount_fen', 'sandbox_refunds.refunded_at', 'sandbox_trades.trade_no'])
      .where('refunded_at', '>=', from).where('refunded_at', '<', to).orderBy('refunded_at').execute();
    return [
      ...paid.map((t) => ({ outTradeNo: t.out_trade_no, gatewayRef: t.trade_no, type: 'payment' as const, amount: t.amount_fen, at: t.paid_at! })),
      ...refunds.map((r) => ({ outTradeNo: r.out_trade_no, gatewayRef: r.trade_no, type: 'refund' as const, amount: r.amount_fen, at: r.refunded_at, refundNo: r.out_request_no })),
    ];
  }

  /** Waits for every scheduled notification to have been delivered (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private scheduleNotifications(outTradeNo: string): void {
    if (this.faults.lostCallback) return;
    const copies = Math.max(1, this.faults.duplicateCallbacks);
    const p = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void this.sendCopies(outTradeNo, copies).finally(resolve);
      }, this.faults.notifyDelayMs);
      timer.unref?.();
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async sendCopies(outTradeNo: string, copies: number): Promise<void> {
    try {
      const raw = await this.notificationFor(outTradeNo);
      if (!raw) return;
      // Duplicates arrive together, as a provider's retry storm does.
      await Promise.allSettled(Array.from({ length: copies }, () => this.o.deliver(raw)));
    } catch {
      // A notification that cannot be sent (the app is shutting down) is a lost callback:
      // the status poller and reconciliation recover it, as with a real gateway.
    }
  }

  private maybeTimeout(): void {
    if (this.faults.timeout) throw new GatewayTimeout('sandbox');
  }

  private trade(outTradeNo: string) {
    return this.o.db.selectFrom('sandbox_trades').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirst();
  }
}
