import type { Fen } from '../../core/money/fen.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';

/**
 * The PaymentGateway port (GUIDE: provider formats stay in the adapters). Amounts cross it as
 * integer fen; each adapter converts to its provider's format (Alipay's yuan strings,
 * WeChat Pay's integer fen) inside itself.
 */
export interface CreatePaymentRequest {
  outTradeNo: string;
  amount: Fen;
  subject: string;
  expiresAt: Date;
  notifyUrl: string;
  returnUrl: string;
}

/** What the customer's device needs to pay: a page to open or a code to scan. */
export type GatewayPayload =
  | { kind: 'redirect'; url: string }
  | { kind: 'qr'; codeUrl: string };

/** A notification as it reached us: the raw body (WeChat signs the exact bytes) and the headers. */
export interface RawNotification {
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export type NotificationCheck =
  | { ok: true; outTradeNo: string; amount: Fen; gatewayRef: string; paid: boolean; tradeStatus: string }
  /**
   * signatureValid: the message really came from the gateway but does not match us (wrong
   * app or merchant): operations must hear of it. A bad signature is a forgery or noise.
   */
  | { ok: false; signatureValid: boolean; reason: string; outTradeNo?: string };

/** How to answer the gateway: it retries until it gets its "success". */
export interface NotificationReply { status: number; contentType: string; body: string }

export type QueryResult =
  | { state: 'paid'; amount: Fen; gatewayRef: string }
  | { state: 'waiting' | 'failed' | 'closed' | 'not_found'; detail?: string };

export interface RefundRequest { outTradeNo: string; outRequestNo: string; amount: Fen; total: Fen; reason: string }
export type RefundResult = { ok: true; gatewayRef: string } | { ok: false; reason: string; retryable: boolean };

export interface StatementLine { outTradeNo: string; gatewayRef: string; type: 'payment' | 'refund'; amount: Fen; at: Date; refundNo?: string }

/** The outcome of one auto-debit (代扣) under an agreement. */
export type DebitResult =
  | { state: 'paid'; amount: Fen; gatewayRef: string }
  | { state: 'insufficient_funds' }
  | { state: 'agreement_revoked' }
  /** Accepted; the result comes by notification or status query (WeChat Pay deducts asynchronously). */
  | { state: 'processing' }
  | { state: 'failed'; detail: string };

/**
 * Signing an agreement: `externalNo` is ours (the agreement's id in hex), given to the gateway
 * so its sign notification leads back to the row. The sandbox signs at once; a wallet has the
 * customer sign on its own page (`signUrl`), and tells us by notification when it is done.
 */
export interface SignAgreementRequest { customerRef: string; externalNo: string; notifyUrl: string; returnUrl: string }
export type SignAgreementResult = { agreementNo: string } | { signUrl: string };
export type AgreementState = { state: 'active'; agreementNo: string } | { state: 'signing' } | { state: 'ended'; reason: string };
export type AgreementNotification =
  | { ok: true; externalNo: string; agreementNo: string; active: boolean; reason: string }
  | { ok: false; signatureValid: boolean; reason: string };

export interface DebitRequest { agreementNo: string; outTradeNo: string; amount: Fen; subject: string; notifyUrl: string }

export interface PaymentGateway {
  readonly name: GatewayName;
  createPayment(request: CreatePaymentRequest): Promise<GatewayPayload>;
  /** createPayment for many orders in one call, where the gateway can (the sandbox: one write); fails, or answers, for all of them. */
  createPayments?(requests: readonly CreatePaymentRequest[]): Promise<GatewayPayload[]>;
  verifyNotification(raw: RawNotification, now: Date): NotificationCheck;
  reply(accepted: boolean): NotificationReply;
  queryPayment(outTradeNo: string): Promise<QueryResult>;
  /** Compensation for createPayment: the order can no longer be paid. Best effort. */
  closePayment(outTradeNo: string): Promise<void>;
  /** Idempotent per outRequestNo: the same number never refunds twice. */
  refund(request: RefundRequest): Promise<RefundResult>;
  statement?(date: string): Promise<StatementLine[]>;
  /** Auto-debit (代扣), where the gateway offers it: sign, cancel and debit under an agreement. */
  signAgreement?(request: SignAgreementRequest): Promise<SignAgreementResult>;
  /** Where an agreement being signed stands (the customer came back from the wallet before its notification). */
  queryAgreement?(externalNo: string): Promise<AgreementState>;
  /** A signed / revoked notification about an agreement, verified like a payment notification. */
  verifyAgreementNotification?(raw: RawNotification, now: Date): AgreementNotification;
  cancelAgreement?(agreementNo: string, externalNo: string): Promise<void>;
  /** A debit that times out may still have happened: the caller leaves the payment for the status poller. */
  debit?(request: DebitRequest): Promise<DebitResult>;
}

export type PaymentGateways = Partial<Record<GatewayName, PaymentGateway>>;
