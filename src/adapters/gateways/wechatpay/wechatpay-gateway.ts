import type {
  AgreementNotification, AgreementState, CreatePaymentRequest, DebitRequest, DebitResult, GatewayPayload, NotificationCheck, NotificationReply,
  PaymentGateway, QueryResult, RawNotification, RefundRequest, RefundResult, SignAgreementRequest, SignAgreementResult, StatementLine,
} from '../../../app/payments/ports.ts';
import { createHash } from 'node:crypto';
import { parseTradeBill } from './trade-bill.ts';
import type { WechatPayConfig } from './config.ts';
import { authorization, verifyWechatSignature } from './signature.ts';
import { openCallback } from './callback.ts';
import { WechatPapay, type PapayConfig } from './papay.ts';

interface Transaction {
  appid?: string; mchid?: string; out_trade_no?: string; transaction_id?: string; trade_state?: string; trade_state_desc?: string;
  amount?: { total?: number; payer_total?: number; currency?: string };
}

/** "2026-01-05T10:00:00+08:00": WeChat Pay's RFC 3339 times, in Beijing time. */
export function rfc3339Beijing(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/**
 * WeChat Pay API v3 (微信支付): Native payment (code_url to show as a QR code), verified
 * callbacks, query, close and refund. WeChat Pay counts in integer fen, as we do, so the
 * only conversion is checking the currency.
 */
export class WechatPayGateway implements PaymentGateway {
  readonly name = 'wechatpay' as const;
  /** 委托代扣 (papay): offered only when a contract template (plan_id) is configured, so the port sees no debit otherwise. */
  readonly signAgreement?: (r: SignAgreementRequest) => Promise<SignAgreementResult>;
  readonly queryAgreement?: (externalNo: string) => Promise<AgreementState>;
  readonly verifyAgreementNotification?: (raw: RawNotification, now: Date) => AgreementNotification;
  readonly cancelAgreement?: (agreementNo: string, externalNo: string) => Promise<void>;
  readonly debit?: (r: DebitRequest) => Promise<DebitResult>;

  constructor(private readonly c: WechatPayConfig, private readonly clock: () => Date = () => new Date(), papay?: PapayConfig) {
    if (papay) {
      const p = new WechatPapay(c, papay, (method, path, body) => this.call(method, path, body), () => this.clock());
      this.signAgreement = (r) => p.sign(r);
      this.queryAgreement = (externalNo) => p.query(externalNo);
      this.verifyAgreementNotification = (raw, now) => p.verifyNotification(raw, now);
      this.cancelAgreement = (_agreementNo, externalNo) => p.cancel(externalNo);
      this.debit = (r) => p.debit(r);
    }
  }

  async createPayment(r: CreatePaymentRequest): Promise<GatewayPayload> {
    const res = await this.call('POST', '/v3/pay/transactions/native', {
      appid: this.c.appid, mchid: this.c.mchid, description: r.subject, out_trade_no: r.outTradeNo, time_expire: rfc3339Beijing(r.expiresAt),
      notify_url: r.notifyUrl, amount: { total: r.amount, currency: 'CNY' },
    });
    if (res.status !== 200 || typeof res.body.code_url !== 'string') throw new Error(`wechatpay native: ${res.status} ${res.body.code ?? ''}`);
    return { kind: 'qr', codeUrl: res.body.code_url };
  }

  verifyNotification(raw: RawNotification, now: Date): NotificationCheck {
    const opened = openCallback(raw, now, this.c);
    if (!opened.ok) return opened;
    const fail = (reason: string, outTradeNo?: string): NotificationCheck => ({ ok: false, signatureValid: true, reason, ...(outTradeNo ? { outTradeNo } : {}) });
    const tx = opened.plain as Transaction;
    if (tx.mchid !== this.c.mchid) return fail(`mchid ${tx.mchid ?? '(none)'} is not ours`, tx.out_trade_no);
    if (opened.originalType === 'refund' || opened.eventType.startsWith('REFUND.')) {
      return { ok: true, outTradeNo: tx.out_trade_no ?? '', amount: 0, gatewayRef: tx.transaction_id ?? '', paid: false, tradeStatus: opened.eventType || 'REFUND' };
    }
    if (tx.appid !== this.c.appid) return fail(`appid ${tx.appid ?? '(none)'} is not ours`, tx.out_trade_no);
    if (!tx.out_trade_no) return fail('no out_trade_no');
    const total = tx.amount?.total;
    if (!Number.isSafeInteger(total) || total! <= 0 || (tx.amount?.currency ?? 'CNY') !== 'CNY') return fail('amount is not a CNY amount in fen', tx.out_trade_no);
    return { ok: true, outTradeNo: tx.out_trade_no, amount: total!, gatewayRef: tx.transaction_id ?? '', paid: tx.trade_state === 'SUCCESS', tradeStatus: tx.trade_state ?? '' };
  }

  /** v3: 2xx without a body is success; anything else makes WeChat Pay retry. */
  reply(accepted: boolean): NotificationReply {
    return accepted ? { status: 204, contentType: 'application/json', body: '' }
      : { status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'FAIL', message: '失败' }) };
  }

  async queryPayment(outTradeNo: string): Promise<QueryResult> {
    const res = await this.call('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.c.mchid)}`);
    if (res.status === 404 || res.body.code === 'ORDER_NOT_EXIST') return { state: 'not_found' };
    if (res.status !== 200) throw new Error(`wechatpay query: ${res.status} ${res.body.code ?? ''}`);
    const tx = res.body as Transaction;
    if (tx.mchid !== this.c.mchid || tx.out_trade_no !== outTradeNo) throw new Error('wechatpay query answered for another merchant or order');
    switch (tx.trade_state) {
      case 'SUCCESS': case 'REFUND': {
        const total = tx.amount?.total;
        if (!Number.isSafeInteger(total) || total! <= 0) throw new Error('wechatpay query: amount unreadable');
        return { state: 'paid', amount: total!, gatewayRef: tx.transaction_id ?? '' };
      }
      case 'CLOSED': case 'REVOKED': return { state: 'closed' };
      // PAY_FAIL: a 委托代扣 deduction that failed after it was accepted (e.g. the balance was short).
      case 'PAYERROR': case 'PAY_FAIL': return { state: 'failed', detail: tx.trade_state_desc ? `${tx.trade_state} ${tx.trade_state_desc}` : tx.trade_state };
      default: return { state: 'waiting', detail: tx.trade_state ?? '' };
    }
  }

  async closePayment(outTradeNo: string): Promise<void> {
    const res = await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: this.c.mchid });
    if (res.status !== 204 && res.status !== 200 && res.body.code !== 'ORDER_NOT_EXIST' && res.body.code !== 'ORDER_CLOSED') throw new Error(`wechatpay close: ${res.status} ${res.body.code ?? ''}`);
  }

  /** out_refund_no makes it idempotent at WeChat Pay. */
  async refund(q: RefundRequest): Promise<RefundResult> {
    try {
      const res = await this.call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: q.outTradeNo, out_refund_no: q.outRequestNo, reason: q.reason, amount: { refund: q.amount, total: q.total, currency: 'CNY' },
      });
      if (res.status === 200 && ['SUCCESS', 'PROCESSING'].includes(res.body.status)) return { ok: true, gatewayRef: String(res.body.refund_id ?? q.outRequestNo) };
      return { ok: false, reason: `${res.status} ${res.body.code ?? res.body.status ?? ''}`, retryable: res.status >= 500 || res.body.code === 'SYSTEM_ERROR' || res.body.code === 'FREQUENCY_LIMITED' };
    } catch (e) {
      return { ok: false, reason: (e as Error).message, retryable: true };
    }
  }

  /**
   * The day's trade bill: ask for its download URL, download it (a signed request; the file
   * itself is not signed, so its SHA1 from the signed answer is checked instead) and read it.
   */
  async statement(date: string): Promise<StatementLine[]> {
    const res = await this.call('GET', `/v3/bill/tradebill?bill_date=${encodeURIComponent(date)}&bill_type=ALL`);
    if (res.status !== 200 || typeof res.body.download_url !== 'string') throw new Error(`wechatpay tradebill: ${res.status} ${res.body.code ?? ''}`);
    const url = new URL(res.body.download_url);
    const pathWithQuery = `${url.pathname}${url.search}`;
    const auth = authorization({ mchid: this.c.mchid, serial: this.c.merchantSerial, key: this.c.merchantPrivateKey, method: 'GET', pathWithQuery, body: '', now: this.clock() });
    const file = await fetch(`${this.c.baseUrl}${pathWithQuery}`, { headers: { authorization: auth }, signal: AbortSignal.timeout(this.c.timeoutMs) });
    const bytes = Buffer.from(await file.arrayBuffer());
    if (file.status !== 200) throw new Error(`wechatpay bill download: ${file.status}`);
    if (String(res.body.hash_type).toUpperCase() !== 'SHA1' || createHash('sha1').update(bytes).digest('hex') !== String(res.body.hash_value).toLowerCase()) {
      throw new Error('wechatpay bill download: the file does not match its hash');
    }
    return parseTradeBill(bytes.toString('utf8'));
  }

  /** A signed request; a 2xx answer must carry a valid WeChat Pay signature too. */
  private async call(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown): Promise<{ status: number; body: Record<string, any> }> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const auth = authorization({ mchid: this.c.mchid, serial: this.c.merchantSerial, key: this.c.merchantPrivateKey, method, pathWithQuery, body, now: this.clock() });
    const res = await fetch(`${this.c.baseUrl}${pathWithQuery}`, {
      method, headers: { authorization: auth, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}), signal: AbortSignal.timeout(this.c.timeoutMs),
    });
    const raw = await res.text();
    if (res.status >= 200 && res.status < 300) {
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => { headers[k.toLowerCase()] = v; });
      const sig = verifyWechatSignature(headers, raw, this.c.platformKeys, this.clock());
      if (!sig.ok) throw new Error(`wechatpay ${pathWithQuery.split('?')[0]}: answer not verified (${sig.reason})`);
    }
    let parsed: Record<string, any> = {};
    try { parsed = raw ? JSON.parse(raw) : {}; } catch { parsed = {}; }
    return { status: res.status, body: parsed };
  }
}
