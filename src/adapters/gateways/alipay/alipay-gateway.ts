import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import type {
  AgreementNotification, AgreementState, CreatePaymentRequest, DebitRequest, DebitResult, GatewayPayload, NotificationCheck, NotificationReply,
  PaymentGateway, QueryResult, RawNotification, RefundRequest, RefundResult, SignAgreementRequest, SignAgreementResult, StatementLine,
} from '../../../app/payments/ports.ts';
import { AlipayWithholding } from './withholding.ts';
import { parseAlipayStatementZip } from './trade-statement.ts';
import type { AlipayConfig } from './config.ts';
import { beijingTime, responseSignedText, rsa2Sign, rsa2Verify, signContent, verifiedNotifyForm, type Params } from './sign.ts';

/** Only these trade states mean the buyer's money has arrived. */
const PAID_STATES = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

/**
 * Alipay (支付宝) OpenAPI 2.0: 电脑网站支付 alipay.trade.page.pay, asynchronous notification,
 * alipay.trade.query / close / refund. Amounts are yuan strings at Alipay ("536.00") and
 * integer fen everywhere else: converted here and only here.
 */
export class AlipayGateway implements PaymentGateway {
  readonly name = 'alipay' as const;
  private readonly withholding: AlipayWithholding;
  constructor(private readonly c: AlipayConfig, private readonly clock: () => Date = () => new Date()) {
    this.withholding = new AlipayWithholding({
      appId: c.appId, verifyKey: c.alipayPublicKey, pageUrl: (m, b, e) => this.pageUrl(m, b, e), call: (m, b, e) => this.call(m, b, e),
    }, c.withholding);
  }

  /** Common request parameters, signed with our key over everything but `sign`. */
  signedParams(method: string, biz: Record<string, unknown>, extra: Params = {}): Params {
    const params: Params = {
      app_id: this.c.appId, method, format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', timestamp: beijingTime(this.clock()),
      version: '1.0', biz_content: JSON.stringify(biz), ...extra,
    };
    params.sign = rsa2Sign(signContent(params, ['sign']), this.c.privateKey);
    return params;
  }

  /** A page the customer's browser opens (the request travels in its query string, signed). */
  pageUrl(method: string, biz: Record<string, unknown>, extra: Params): string {
    return `${this.c.gatewayUrl}?${new URLSearchParams(this.signedParams(method, biz, extra)).toString()}`;
  }


  signAgreement(r: SignAgreementRequest): Promise<SignAgreementResult> { return this.withholding.sign(r); }
  queryAgreement(externalNo: string): Promise<AgreementState> { return this.withholding.query(externalNo); }
  cancelAgreement(agreementNo: string): Promise<void> { return this.withholding.cancel(agreementNo); }
  debit(r: DebitRequest): Promise<DebitResult> { return this.withholding.debit(r); }
  verifyAgreementNotification(raw: RawNotification): AgreementNotification { return this.withholding.verifyNotification(raw); }

  async createPayment(r: CreatePaymentRequest): Promise<GatewayPayload> {
    const params = this.signedParams('alipay.trade.page.pay', {
      out_trade_no: r.outTradeNo, product_code: 'FAST_INSTANT_TRADE_PAY', total_amount: formatYuan(r.amount), subject: r.subject,
      time_expire: beijingTime(r.expiresAt),
    }, { notify_url: r.notifyUrl, return_url: r.returnUrl });
    return { kind: 'redirect', url: `${this.c.gatewayUrl}?${new URLSearchParams(params).toString()}` };
  }

  verifyNotification(raw: RawNotification): NotificationCheck {
    const form = verifiedNotifyForm(raw.rawBody, this.c.alipayPublicKey);
    if (!form.ok) return { ok: false, signatureValid: false, reason: form.reason };
    const params = form.params;
    const outTradeNo = params.out_trade_no;
    const fail = (reason: string): NotificationCheck => ({ ok: false, signatureValid: true, reason, ...(outTradeNo ? { outTradeNo } : {}) });
    if (params.app_id !== this.c.appId) return fail(`app_id ${params.app_id ?? '(none)'} is not ours`);
    if (this.c.sellerId && params.seller_id !== this.c.sellerId) return fail(`seller_id ${params.seller_id ?? '(none)'} is not ours`);
    if (!outTradeNo) return fail('no out_trade_no');
    const amount = parseYuan(params.total_amount, { allowZero: false, field: 'total_amount' });
    if (!amount.ok) return fail(`total_amount "${params.total_amount ?? ''}" is not an amount`);
    const status = params.trade_status ?? '';
    // A refund also notifies (with refund_fee / gmt_refund): it is never a payment.
    const isRefund = params.refund_fee !== undefined || params.gmt_refund !== undefined;
    return { ok: true, outTradeNo, amount: amount.value, gatewayRef: params.trade_no ?? '', paid: PAID_STATES.has(status) && !isRefund, tradeStatus: isRefund ? `REFUND:${status}` : status };
  }

  /** Alipay stops retrying only on the literal `success`. */
  reply(accepted: boolean): NotificationReply {
    return { status: 200, contentType: 'text/plain', body: accepted ? 'success' : 'fail' };
  }

  async queryPayment(outTradeNo: string): Promise<QueryResult> {
    const r = await this.call('alipay.trade.query', { out_trade_no: outTradeNo });
    if (r.code === '40004' && r.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
    if (r.code !== '10000') throw new Error(`alipay.trade.query: ${r.code} ${r.sub_code ?? ''}`);
    if (r.out_trade_no !== undefined && r.out_trade_no !== outTradeNo) throw new Error('alipay.trade.query answered for another order');
    const status = String(r.trade_status ?? '');
    if (PAID_STATES.has(status)) {
      const amount = parseYuan(r.total_amount, { allowZero: false });
      if (!amount.ok) throw new Error('alipay.trade.query: total_amount unreadable');
      return { state: 'paid', amount: amount.value, gatewayRef: String(r.trade_no ?? '') };
    }
    if (status === 'TRADE_CLOSED') return { state: 'closed' };
    return { state: 'waiting', detail: status };
  }

  async closePayment(outTradeNo: string): Promise<void> {
    const r = await this.call('alipay.trade.close', { out_trade_no: outTradeNo });
    // Closing an order Alipay never saw (the buyer never opened the cashier) is fine.
    if (r.code !== '10000' && r.sub_code !== 'ACQ.TRADE_NOT_EXIST' && r.sub_code !== 'ACQ.TRADE_STATUS_ERROR') throw new Error(`alipay.trade.close: ${r.code} ${r.sub_code ?? ''}`);
  }

  /** out_request_no makes it idempotent at Alipay: the same number never refunds twice. */
  async refund(q: RefundRequest): Promise<RefundResult> {
    let r: Record<string, unknown>;
    try {
      r = await this.call('alipay.trade.refund', { out_trade_no: q.outTradeNo, refund_amount: formatYuan(q.amount), out_request_no: q.outRequestNo, refund_reason: q.reason });
    } catch (e) {
      return { ok: false, reason: (e as Error).message, retryable: true };
    }
    if (r.code === '10000') return { ok: true, gatewayRef: String(r.trade_no ?? q.outRequestNo) };
    return { ok: false, reason: `${r.code} ${r.sub_code ?? ''} ${r.sub_msg ?? ''}`.trim(), retryable: r.code === '20000' || r.sub_code === 'ACQ.SYSTEM_ERROR' };
  }

  /**
   * The day's trade statement: alipay.data.dataservice.bill.downloadurl.query gives a
   * short-lived URL (in a signed answer; the file itself is not signed) to a zip of GBK CSVs.
   * A day without trades has no statement (isp.bill_not_exist): no lines.
   */
  async statement(date: string): Promise<StatementLine[]> {
    const r = await this.call('alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: date });
    if (r.code === '40004' && r.sub_code === 'isp.bill_not_exist') return [];
    if (r.code !== '10000' || typeof r.bill_download_url !== 'string') throw new Error(`alipay bill downloadurl: ${r.code} ${r.sub_code ?? ''}`);
    const file = await fetch(r.bill_download_url, { signal: AbortSignal.timeout(this.c.timeoutMs) });
    if (file.status !== 200) throw new Error(`alipay bill download: ${file.status}`);
    return parseAlipayStatementZip(Buffer.from(await file.arrayBuffer()));
  }

  /** POSTs a signed request and returns the verified `<method>_response` object. */
  private async call(method: string, biz: Record<string, unknown>, extra: Params = {}): Promise<Record<string, any>> {
    const res = await fetch(`${this.c.gatewayUrl}?charset=utf-8`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(this.signedParams(method, biz, extra)).toString(), signal: AbortSignal.timeout(this.c.timeoutMs),
    });
    const raw = await res.text();
    const key = `${method.replace(/\./g, '_')}_response`;
    const signed = responseSignedText(raw, key);
    const body = JSON.parse(raw) as Record<string, any>;
    const response = body[key] as Record<string, any> | undefined;
    if (!signed || !response) throw new Error(`${method}: no ${key} in the answer`);
    // Error answers about the request itself (bad app id, bad signature) come unsigned.
    if (typeof body.sign !== 'string') {
      if (response.code === '10000') throw new Error(`${method}: a success answer without a signature`);
      return response;
    }
    if (!rsa2Verify(signed, body.sign, this.c.alipayPublicKey)) throw new Error(`${method}: the answer's signature does not verify`);
    return response;
  }
}
