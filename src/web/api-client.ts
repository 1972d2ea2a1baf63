import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type {
  BillListSchema, CreditLineSchema, CurrentBillSchema, CustomerPlanListSchema, CustomerPlanSchema, PayoffQuoteSchema, RepaymentPageSchema,
} from '../adapters/http/views/customer-schemas.ts';
import type { RepaymentSchema } from '../adapters/http/schemas.ts';

/**
 * The web layer is a client of the public HTTP API, called in-process with inject() (no
 * socket, no serialisation to the network). So a page can show only what the API would give
 * that customer: the same session check, the same ownership rule (another customer's plan is
 * a 404), the same idempotency on money, the same error codes. Nothing here reaches a table.
 */
export type CreditLine = Static<typeof CreditLineSchema>;
export type CurrentBill = Static<typeof CurrentBillSchema>;
export type BillList = Static<typeof BillListSchema>;
export type Bill = BillList['bills'][number];
export type CustomerPlan = Static<typeof CustomerPlanSchema>;
export type CustomerPlanList = Static<typeof CustomerPlanListSchema>;
export type PayoffQuote = Static<typeof PayoffQuoteSchema>;
export type RepaymentPage = Static<typeof RepaymentPageSchema>;
export type RepaymentRecord = RepaymentPage['items'][number];
export type PostedRepayment = Static<typeof RepaymentSchema>;

export interface Account {
  customerId: string; phone: string | null; status: 'active' | 'cancelled'; createdAt: string;
  statementDay: number; dueDay: number; reauthenticatedUntil: string | null;
}
export interface Session { token: string; expiresAt: string; customerId: string }

/** A gateway payment (POST /v1/me/payments), as far as the portal reads it. */
export interface GatewayPayment {
  id: string; status: 'processing' | 'paid' | 'failed' | 'expired'; gateway: string; kind: string; amount: string;
  pay: { kind: 'redirect'; url: string } | { kind: 'qr'; codeUrl: string } | null;
  repaymentId: string | null; failureReason: string | null; createdAt: string; settledAt: string | null;
}

/** GET /v1/me/autodebit: agreements and 扣款记录 (every attempt), newest first. */
export interface AutoDebitAgreement { id: string; planId: string | null; gateway: string; status: 'active' | 'cancelled' | 'revoked'; createdAt: string; endedAt: string | null; endReason: string | null }
export interface AutoDebitAttempt { id: string; agreementId: string; dueDate: string; time: string; amount: string; result: string; reason: string | null; paymentId: string | null }
export interface AutoDebitRecord { agreements: AutoDebitAgreement[]; attempts: AutoDebitAttempt[] }

/** GET /v1/me/inbox: 站内信, newest first; `next` pages back. */
export interface InboxMessage { id: string; kind: string; title: string; body: string; actionPath: string | null; createdAt: string; readAt: string | null }
export interface InboxPage { unread: number; messages: InboxMessage[]; next: string | null }

/** GET /v1/me/where-to-pay: one answer per open plan; `usual` closed ⇒ `rerouted`. */
export interface EntranceRef { code: string; kind: string; name: string; url: string; status: string | null }
export interface WhereToPay { planId: string; payAt: EntranceRef | null; usual: EntranceRef | null; rerouted: boolean; reason: string }

/** 工单 (GET /v1/me/tickets…): the customer's view (no staff key ids). */
export interface Ticket {
  id: string; category: string; categoryLabel: string; status: 'open' | 'in_progress' | 'waiting_customer' | 'resolved' | 'closed';
  subject: string; description: string; source: string; planIds: string[]; paymentIds: string[];
  sla: { firstResponseDueAt: string; resolutionDueAt: string; breached: boolean }; createdAt: string; updatedAt: string; closedAt: string | null;
}
export interface TicketEvent { at: string; by: string; kind: 'opened' | 'status' | 'comment' | 'assigned' | 'action'; fromStatus: string | null; toStatus: string | null; body: string | null }
export type TicketDetail = Ticket & { history: TicketEvent[] };

/** 协商还款 offers (GET /v1/me/hardship-offers): the exact new schedule, frozen at the offer. */
export interface HardshipRow { number: number; dueDate: string; principal: string; interest: string; fee: string; total: string }
export interface HardshipOffer {
  offerId: string; planId: string; status: string; terms: number; firstDueDate: string; penaltyWaived: string; capitalised: string;
  offeredOn: string; expiresAt: string; preview: { schedule: HardshipRow[]; figures: Record<string, string>; installmentBefore: string; installmentAfter: string };
}

export interface RepayRequest { kind: 'installment' | 'bill' | 'amount' | 'payoff'; amount: string; planId?: string; installmentNumber?: number; dueDate?: string }

export interface Problem { status: number; code: string; detail?: string; field?: string }
export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: Problem };

export class CustomerApi {
  constructor(private readonly app: FastifyInstance, private readonly token: string | null, private readonly ip: string) {}

  get loggedIn(): boolean { return this.token !== null; }
  /** The session token, for the per-page read models (portal/page-reads.ts) that check it themselves. */
  get sessionToken(): string | null { return this.token; }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: object, idempotencyKey?: string): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    // The customer's own address, so per-IP limits and the audit log see the person, not us.
    const res = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(body ? { payload: body } : {}) });
    const parsed = res.body ? safeJson(res.body) : null;
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, body: parsed as T };
    const p = (parsed ?? {}) as Partial<Problem>;
    return { ok: false, status: res.statusCode, problem: { status: res.statusCode, code: p.code ?? 'unknown', ...(p.detail ? { detail: p.detail } : {}), ...(p.field ? { field: p.field } : {}) } };
  }

  sendLoginCode(phone: string) { return this.call<{ expiresInSeconds: number }>('POST', '/v1/auth/otp', { phone }); }
  logIn(phone: string, code: string) { return this.call<Session>('POST', '/v1/auth/login', { phone, code }); }
  logOut() { return this.call<null>('POST', '/v1/auth/logout'); }

  account() { return this.call<Account>('GET', '/v1/me/account'); }
  sendReauthCode() { return this.call<{ expiresInSeconds: number }>('POST', '/v1/auth/reauth/otp'); }
  reauthenticate(code: string) { return this.call<{ reauthenticatedUntil: string }>('POST', '/v1/auth/reauth', { code }); }
  cancelAccount() { return this.call<{ status: 'cancelled'; cancelledAt: string }>('POST', '/v1/me/account/cancel'); }

  creditLine() { return this.call<CreditLine>('GET', '/v1/me/credit-line'); }
  currentBill() { return this.call<CurrentBill>('GET', '/v1/me/bills/current'); }
  bills() { return this.call<BillList>('GET', '/v1/me/bills'); }
  plans() { return this.call<CustomerPlanList>('GET', '/v1/me/plans'); }
  plan(planId: string) { return this.call<CustomerPlan>('GET', `/v1/me/plans/${encodeURIComponent(planId)}`); }
  payoffQuote(planId: string) { return this.call<PayoffQuote>('GET', `/v1/me/plans/${encodeURIComponent(planId)}/payoff-quote`); }
  repayments(limit = 20) { return this.call<RepaymentPage>('GET', `/v1/me/repayments?limit=${limit}`); }

  /** Settles at once through the sandbox channel or the credit balance (today's API). */
  repay(body: RepayRequest & { channel: 'sandbox' | 'credit_balance' }, key: string) { return this.call<PostedRepayment>('POST', '/v1/me/repayments', body, key); }
  /** Through a gateway: answers with a cashier to open; the result arrives later (处理中 until then). */
  startPayment(body: RepayRequest & { gateway: string }, key: string) { return this.call<GatewayPayment>('POST', '/v1/me/payments', body, key); }
  autoDebit() { return this.call<AutoDebitRecord>('GET', '/v1/me/autodebit'); }
  /** planId absent: one agreement for all plans. */
  signAutoDebit(planId: string | null, gateway = 'sandbox') { return this.call<AutoDebitAgreement>('POST', '/v1/me/autodebit', { gateway, ...(planId ? { planId } : {}) }); }
  cancelAutoDebit(id: string) { return this.call<AutoDebitAgreement>('DELETE', `/v1/me/autodebit/${encodeURIComponent(id)}`); }

  /**
   * 20 messages a page. No ?limit=: the route declares it an integer while the server does
   * not coerce query strings, so any limit is refused as validation_failed (reported).
   */
  inbox(before?: string) { return this.call<InboxPage>('GET', `/v1/me/inbox${before ? `?before=${encodeURIComponent(before)}` : ''}`); }
  markRead(id: string) { return this.call<{ id: string; readAt: string }>('POST', `/v1/me/inbox/${encodeURIComponent(id)}/read`); }
  whereToPay() { return this.call<{ items: WhereToPay[] }>('GET', '/v1/me/where-to-pay'); }

  tickets() { return this.call<{ items: Ticket[] }>('GET', '/v1/me/tickets'); }
  ticket(id: string) { return this.call<TicketDetail>('GET', `/v1/me/tickets/${encodeURIComponent(id)}`); }
  openTicket(body: { category: string; description: string }, key: string) { return this.call<Ticket>('POST', '/v1/me/tickets', body, key); }
  commentOnTicket(id: string, body: string) { return this.call<{ ticketId: string; status: string }>('POST', `/v1/me/tickets/${encodeURIComponent(id)}/comments`, { body }); }
  /** close: the customer confirms it is resolved; reopen: it is not. */
  moveTicket(id: string, action: 'close' | 'reopen') { return this.call<Ticket>('POST', `/v1/me/tickets/${encodeURIComponent(id)}/actions`, { action }); }

  hardshipOffers() { return this.call<{ items: HardshipOffer[] }>('GET', '/v1/me/hardship-offers'); }
  acceptHardshipOffer(id: string, key: string) { return this.call<{ offerId: string; planId: string; acceptedOn: string }>('POST', `/v1/me/hardship-offers/${encodeURIComponent(id)}/accept`, undefined, key); }
  declineHardshipOffer(id: string) { return this.call<HardshipOffer>('POST', `/v1/me/hardship-offers/${encodeURIComponent(id)}/decline`); }

  payment(id: string) { return this.call<GatewayPayment>('GET', `/v1/me/payments/${encodeURIComponent(id)}?refresh=true`); }
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return null; }
}

/** Plan and payment ids are UUIDs; anything else is a 404 without asking the API. */
export { isUuid } from '../core/ids.ts';
