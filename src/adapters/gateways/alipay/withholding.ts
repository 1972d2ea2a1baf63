import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import type { AgreementNotification, AgreementState, DebitRequest, DebitResult, RawNotification, SignAgreementRequest, SignAgreementResult } from '../../../app/payments/ports.ts';
import { verifiedNotifyForm, type Params } from './sign.ts';

/** What the withholding calls need from the gateway: signed page URLs and signed API calls. */
export interface AlipayCaller {
  readonly appId: string;
  pageUrl(method: string, biz: Record<string, unknown>, extra: Params): string;
  call(method: string, biz: Record<string, unknown>, extra?: Params): Promise<Record<string, any>>;
  verifyKey: Parameters<typeof verifiedNotifyForm>[1];
}

/** The product codes and sign scene are agreed with Alipay when 商户代扣 is opened: configuration. */
export interface WithholdingCodes { productCode: string; personalProductCode: string; signScene: string }
export const DEFAULT_WITHHOLDING: WithholdingCodes = { productCode: 'GENERAL_WITHHOLDING', personalProductCode: 'GENERAL_WITHHOLDING_P', signScene: 'INDUSTRY|DEFAULT' };

const BALANCE_CODES = new Set(['ACQ.BUYER_BALANCE_NOT_ENOUGH', 'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH', 'ACQ.PAYMENT_FAIL', 'ACQ.PAYMENT_REQUEST_HAS_RISK']);
const AGREEMENT_CODES = new Set(['ACQ.AGREEMENT_NOT_EXIST', 'ACQ.AGREEMENT_INVALID', 'ACQ.AGREEMENT_STATUS_NOT_NORMAL', 'ACQ.AGREEMENT_ERROR', 'ACQ.AGREEMENT_UNSIGNED']);

/**
 * Alipay 商户代扣: the customer signs on Alipay's page (alipay.user.agreement.page.sign, a
 * signed URL: no call from us), Alipay notifies dut_user_sign / dut_user_unsign, and we can
 * query (alipay.user.agreement.query) and end (alipay.user.agreement.unsign) the agreement.
 * A debit is alipay.trade.pay with product_code GENERAL_WITHHOLDING and the agreement_no in
 * agreement_params; it answers at once (10000 paid, 40004 refused) or 10003/20000 (unknown:
 * the status poller settles it).
 */
export class AlipayWithholding {
  constructor(private readonly a: AlipayCaller, private readonly codes: WithholdingCodes = DEFAULT_WITHHOLDING) {}

  async sign(r: SignAgreementRequest): Promise<SignAgreementResult> {
    const signUrl = this.a.pageUrl('alipay.user.agreement.page.sign', {
      personal_product_code: this.codes.personalProductCode, product_code: this.codes.productCode, sign_scene: this.codes.signScene,
      external_agreement_no: r.externalNo, access_params: { channel: 'ALIPAYAPP' },
    }, { notify_url: r.notifyUrl, return_url: r.returnUrl });
    return { signUrl };
  }

  async query(externalNo: string): Promise<AgreementState> {
    const r = await this.a.call('alipay.user.agreement.query', { personal_product_code: this.codes.personalProductCode, sign_scene: this.codes.signScene, external_agreement_no: externalNo });
    if (r.code === '40004') return { state: 'signing' };
    if (r.code !== '10000') throw new Error(`alipay.user.agreement.query: ${r.code} ${r.sub_code ?? ''}`);
    if (r.external_agreement_no !== undefined && r.external_agreement_no !== externalNo) throw new Error('alipay.user.agreement.query answered for another agreement');
    if (r.status === 'NORMAL' && typeof r.agreement_no === 'string') return { state: 'active', agreementNo: r.agreement_no };
    if (r.status === 'TEMP') return { state: 'signing' };
    return { state: 'ended', reason: `agreement ${String(r.status)}` };
  }

  async cancel(agreementNo: string): Promise<void> {
    const r = await this.a.call('alipay.user.agreement.unsign', { agreement_no: agreementNo, personal_product_code: this.codes.personalProductCode, sign_scene: this.codes.signScene });
    if (r.code !== '10000' && r.sub_code !== 'USER_AGREEMENT_NOT_EXIST') throw new Error(`alipay.user.agreement.unsign: ${r.code} ${r.sub_code ?? ''}`);
  }

  async debit(q: DebitRequest): Promise<DebitResult> {
    const r = await this.a.call('alipay.trade.pay', {
      out_trade_no: q.outTradeNo, total_amount: formatYuan(q.amount), subject: q.subject, product_code: this.codes.productCode,
      agreement_params: { agreement_no: q.agreementNo },
    }, { notify_url: q.notifyUrl });
    if (r.code === '10000' && (r.trade_status === 'TRADE_SUCCESS' || r.trade_status === 'TRADE_FINISHED')) {
      if (r.out_trade_no !== q.outTradeNo) throw new Error('alipay.trade.pay answered for another order');
      const amount = parseYuan(r.total_amount, { allowZero: false });
      if (!amount.ok) throw new Error('alipay.trade.pay: total_amount unreadable');
      return { state: 'paid', amount: amount.value, gatewayRef: String(r.trade_no ?? '') };
    }
    if (r.code === '10000' || r.code === '10003') return { state: 'processing' };
    if (r.code === '40004' && BALANCE_CODES.has(r.sub_code)) return { state: 'insufficient_funds' };
    if (r.code === '40004' && AGREEMENT_CODES.has(r.sub_code)) return { state: 'agreement_revoked' };
    if (r.code === '40004') return { state: 'failed', detail: `${r.sub_code ?? ''} ${r.sub_msg ?? ''}`.trim() };
    // 20000 (service busy) or anything unknown: the money may have moved; the query decides.
    throw new Error(`alipay.trade.pay: ${r.code} ${r.sub_code ?? ''}`);
  }

  /** dut_user_sign (status NORMAL) / dut_user_unsign (status UNSIGN), signed like payment notifications. */
  verifyNotification(raw: RawNotification): AgreementNotification {
    const form = verifiedNotifyForm(raw.rawBody, this.a.verifyKey);
    if (!form.ok) return { ok: false, signatureValid: false, reason: form.reason };
    const params = form.params;
    if (params.app_id !== undefined && params.app_id !== this.a.appId) return { ok: false, signatureValid: true, reason: `app_id ${params.app_id} is not ours` };
    const type = params.notify_type;
    if (type !== 'dut_user_sign' && type !== 'dut_user_unsign') return { ok: false, signatureValid: true, reason: `notify_type ${type ?? '(none)'} is not about an agreement` };
    if (!params.external_agreement_no || !params.agreement_no) return { ok: false, signatureValid: true, reason: 'no agreement numbers' };
    const active = type === 'dut_user_sign' && params.status === 'NORMAL';
    return { ok: true, externalNo: params.external_agreement_no, agreementNo: params.agreement_no, active, reason: active ? 'signed' : `${type} ${params.status ?? ''}`.trim() };
  }
}
