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

export interface RepayRequest { kind: 'installment' | 'bill' | 'amount' | 'payoff'; amount: string; planId?: string; installmentNumber?: number; dueDate?: string }

export interface Problem { status: number; code: string; detail?: string; field?: string }
export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: Problem };

export class CustomerApi {
  constructor(private readonly app: FastifyInstance, private readonly token: string | null, private readonly ip: string) {}

  get loggedIn(): boolean { return this.token !== null; }

  private async call<T>(method: 'GET' | 'POST', url: string, body?: object, idempotencyKey?: string): Promise<ApiResult<T>> {
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
  payment(id: string) { return this.call<GatewayPayment>('GET', `/v1/me/payments/${encodeURIComponent(id)}?refresh=true`); }
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return null; }
}

/** Plan and payment ids are UUIDs; anything else is a 404 without asking the API. */
export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
