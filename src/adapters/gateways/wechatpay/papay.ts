import type { AgreementNotification, AgreementState, DebitRequest, DebitResult, RawNotification, SignAgreementRequest, SignAgreementResult } from '../../../app/payments/ports.ts';
import { openCallback } from './callback.ts';
import type { WechatPayConfig } from './config.ts';

/** A signed v3 request through the gateway (its answer's signature already verified when 2xx). */
export type WechatCall = (method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown) => Promise<{ status: number; body: Record<string, any> }>;

/**
 * What WeChat Pay gives a merchant when 委托代扣 is opened: the contract template id (plan_id),
 * and the account name shown on the signing page (contract_display_account, at most 32 characters).
 */
export interface PapayConfig { planId: number; displayAccount: string }

/** FENQI_WECHATPAY_PAPAY_PLAN_ID (and _DISPLAY_ACCOUNT). Absent: WeChat Pay offers no auto-debit. */
export function papayConfigFromEnv(env: NodeJS.ProcessEnv): PapayConfig | undefined {
  const raw = env.FENQI_WECHATPAY_PAPAY_PLAN_ID?.trim();
  if (!raw) return undefined;
  const planId = Number(raw);
  if (!Number.isSafeInteger(planId) || planId <= 0) throw new Error('FENQI_WECHATPAY_PAPAY_PLAN_ID must be the numeric 委托代扣模板ID');
  return { planId, displayAccount: (env.FENQI_WECHATPAY_PAPAY_DISPLAY_ACCOUNT?.trim() || 'Fenqi 分期自动还款').slice(0, 32) };
}

/**
 * Synchronous refusals of a deduction. The v3 受理扣款 page we found lists no business error
 * codes of its own; these are the names WeChat Pay's v2 pappayapply used for the same cases
 * (NOTENOUGH, CONTRACT_NOT_EXIST, CONTRACT_ERROR). Any other refusal is a plain failure; an
 * accepted deduction that fails later arrives as trade_state PAY_FAIL (query / notification).
 */
const BALANCE_CODES = new Set(['NOTENOUGH', 'NOT_ENOUGH']);
const CONTRACT_CODES = new Set(['CONTRACT_NOT_EXIST', 'CONTRACT_ERROR', 'CONTRACT_TERMINATED']);

interface Contract {
  mchid?: string; appid?: string; plan_id?: number; out_contract_code?: string; contract_id?: string; contract_state?: string;
  contract_terminate_info?: { contract_termination_mode?: string; contract_termination_remark?: string };
}

/**
 * WeChat Pay API v3 委托代扣 (papay), direct merchant: the customer signs on WeChat's page
 * (pre-entrust-sign with SIGN_SCENE_QRCODE gives the redirect_url shown as a QR code / link),
 * WeChat notifies ENTRUST.SIGN to our contract_notify_url and ENTRUST.TERMINATE to the
 * termination URL set on the template (operations must set it to
 * /v1/payments/agreements/notify/wechatpay). Contracts are queried and ended by our own
 * out_contract_code. A deduction (受理扣款) is only accepted at once: it is deducted
 * asynchronously and settles through the ordinary TRANSACTION.SUCCESS notification or the
 * order query, so debit answers `processing`.
 */
export class WechatPapay {
  constructor(
    private readonly c: WechatPayConfig, private readonly p: PapayConfig, private readonly call: WechatCall, private readonly clock: () => Date,
  ) {}

  private contractPath(externalNo: string): string {
    return `/v3/papay/sign/contracts/plan-id/${this.p.planId}/out-contract-code/${encodeURIComponent(externalNo)}`;
  }

  async sign(r: SignAgreementRequest): Promise<SignAgreementResult> {
    const res = await this.call('POST', '/v3/papay/sign/contracts/pre-entrust-sign', {
      sign_scene: 'SIGN_SCENE_QRCODE', appid: this.c.appid, plan_id: this.p.planId, out_contract_code: r.externalNo,
      contract_display_account: this.p.displayAccount, contract_notify_url: r.notifyUrl, out_user_code: r.customerRef, return_url: r.returnUrl,
      // device_info is required, but the port carries nothing about the customer's device:
      // the documented "unknown" values are sent rather than invented ones.
      device_info: {
        device_type: 'DEVICE_TYPE_UNKNOW', device_os: '', device_id: '', device_running_as_root: false, device_ip: '',
        weixin_installed: false, weixin_version: '', days_since_first_login: 'DAYS_SINCE_FIRST_LOGIN_UNKNOW',
      },
    });
    if (res.status !== 200 || typeof res.body.redirect_url !== 'string') throw new Error(`wechatpay pre-entrust-sign: ${res.status} ${res.body.code ?? ''}`);
    return { signUrl: res.body.redirect_url };
  }

  async query(externalNo: string): Promise<AgreementState> {
    const res = await this.call('GET', this.contractPath(externalNo));
    // Not signed (yet): the contract does not exist at WeChat Pay.
    if (res.status === 404) return { state: 'signing' };
    if (res.status !== 200) throw new Error(`wechatpay contract query: ${res.status} ${res.body.code ?? ''}`);
    const k = res.body as Contract;
    const mismatch = this.mismatch(k, externalNo);
    if (mismatch) throw new Error(`wechatpay contract query answered ${mismatch}`);
    if (k.contract_state === 'SIGNED' && k.contract_id) return { state: 'active', agreementNo: k.contract_id };
    return { state: 'ended', reason: endReason(k) };
  }

  /** Ends the contract at WeChat Pay; one that is already gone is fine. */
  async cancel(externalNo: string): Promise<void> {
    const res = await this.call('POST', `${this.contractPath(externalNo)}/terminate`, { contract_termination_remark: '用户在Fenqi取消自动还款' });
    if (res.status !== 200 && res.status !== 204 && res.status !== 404) throw new Error(`wechatpay contract terminate: ${res.status} ${res.body.code ?? ''}`);
  }

  async debit(q: DebitRequest): Promise<DebitResult> {
    const res = await this.call('POST', '/v3/papay/pay/transactions/apply', {
      appid: this.c.appid, out_trade_no: q.outTradeNo, description: q.subject, transaction_notify_url: q.notifyUrl, contract_id: q.agreementNo,
      amount: { total: q.amount, currency: 'CNY' },
    });
    if (res.status === 200 || res.status === 202 || res.status === 204) {
      if (res.body.out_trade_no !== undefined && res.body.out_trade_no !== q.outTradeNo) throw new Error('wechatpay deduction accepted for another order');
      if (res.body.amount?.total !== undefined && res.body.amount.total !== q.amount) throw new Error('wechatpay deduction accepted for another amount');
      return { state: 'processing' };
    }
    const code = String(res.body.code ?? '');
    if (BALANCE_CODES.has(code)) return { state: 'insufficient_funds' };
    if (CONTRACT_CODES.has(code)) return { state: 'agreement_revoked' };
    // 5xx, SYSTEM_ERROR, rate limits: the deduction may have been accepted; the order query decides.
    if (res.status >= 500 || res.status === 429 || code === 'SYSTEM_ERROR' || code === 'FREQUENCY_LIMITED') throw new Error(`wechatpay deduction: ${res.status} ${code}`);
    return { state: 'failed', detail: `${code} ${String(res.body.message ?? '')}`.trim() };
  }

  /** ENTRUST.SIGN / ENTRUST.TERMINATE, signed and encrypted like every v3 callback. */
  verifyNotification(raw: RawNotification, now: Date = this.clock()): AgreementNotification {
    const opened = openCallback(raw, now, this.c);
    if (!opened.ok) return { ok: false, signatureValid: opened.signatureValid, reason: opened.reason };
    const refuse = (reason: string): AgreementNotification => ({ ok: false, signatureValid: true, reason });
    if (opened.eventType !== 'ENTRUST.SIGN' && opened.eventType !== 'ENTRUST.TERMINATE') return refuse(`event_type ${opened.eventType || '(none)'} is not about a contract`);
    const k = opened.plain as Contract;
    if (!k.out_contract_code || !k.contract_id) return refuse('no contract numbers');
    const mismatch = this.mismatch(k, k.out_contract_code);
    if (mismatch) return refuse(mismatch);
    const active = opened.eventType === 'ENTRUST.SIGN' && k.contract_state === 'SIGNED';
    return { ok: true, externalNo: k.out_contract_code, agreementNo: k.contract_id, active, reason: active ? 'signed' : endReason(k) };
  }

  /** A contract of another merchant, app or template is never ours, whatever it says. */
  private mismatch(k: Contract, externalNo: string): string | undefined {
    if (k.mchid !== this.c.mchid) return `mchid ${k.mchid ?? '(none)'} is not ours`;
    if (k.appid !== undefined && k.appid !== this.c.appid) return `appid ${k.appid} is not ours`;
    if (Number(k.plan_id) !== this.p.planId) return `plan_id ${k.plan_id ?? '(none)'} is not our template`;
    if (k.out_contract_code !== externalNo) return 'for another contract';
    return undefined;
  }
}

function endReason(k: Contract): string {
  const info = k.contract_terminate_info;
  return [k.contract_state ?? 'UNKNOWN', info?.contract_termination_mode, info?.contract_termination_remark].filter(Boolean).join(' ');
}
