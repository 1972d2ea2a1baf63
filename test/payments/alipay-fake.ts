import { createServer } from 'node:http';
import { createSign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import { rsaKeyPair } from './keys.ts';

export const APP_ID = '2021000000000002';

/**
 * A stand-in for Alipay's OpenAPI gateway: checks every request's RSA2 signature with the
 * official alipay-sdk, and answers with responses signed over the `<method>_response` text.
 * Trades, refunds, statements (served as zips from /bill/DATE.zip) and 商户代扣 agreements
 * with a withholding balance, so auto-debit can run out of money or lose its agreement.
 */
export function fakeAlipay() {
  const app = rsaKeyPair();
  const alipay = rsaKeyPair();
  const trades = new Map<string, { status: string; amount: string }>();
  const refunds = new Map<string, string>();
  const bills = new Map<string, Buffer>();
  /** Agreements by external_agreement_no. */
  const agreements = new Map<string, { agreementNo: string; status: 'TEMP' | 'NORMAL' | 'STOP' }>();
  const state = { refuseRefunds: false, balanceFen: 1_000_000_00, calls: [] as string[], url: '' };
  const verifier = new AlipaySdk({ appId: APP_ID, privateKey: app.privatePem, alipayPublicKey: app.publicPem, keyType: 'PKCS8' });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/bill/')) {
      const zip = bills.get(req.url.slice(6, 16));
      res.writeHead(zip ? 200 : 404, { 'content-type': 'application/zip' });
      return res.end(zip ?? '');
    }
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const key = `${params.method!.replace(/\./g, '_')}_response`;
      if (params.app_id !== APP_ID || !verifier.checkNotifySignV2(params)) return res.end(JSON.stringify({ [key]: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' } }));
      state.calls.push(params.method!);
      const body = answer(params.method!, JSON.parse(params.biz_content!));
      const text = JSON.stringify(body);
      const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(alipay.privatePem, 'base64');
      res.setHeader('content-type', 'application/json;charset=utf-8');
      res.end(`{"${key}":${text},"sign":"${sign}"}`);
    });
  });
  const ok = (o: object = {}) => ({ code: '10000', msg: 'Success', ...o });
  const fail = (subCode: string) => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subCode });
  function answer(method: string, biz: any): Record<string, unknown> {
    switch (method) {
      case 'alipay.trade.refund':
        if (state.refuseRefunds) return fail('ACQ.TRADE_HAS_FINISHED');
        if (!refunds.has(biz.out_request_no)) refunds.set(biz.out_request_no, biz.refund_amount);
        return ok({ trade_no: `T-${biz.out_trade_no}`, out_trade_no: biz.out_trade_no, refund_fee: refunds.get(biz.out_request_no), fund_change: 'Y' });
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return bills.has(biz.bill_date) ? ok({ bill_download_url: `${state.url}/bill/${biz.bill_date}.zip` }) : fail('isp.bill_not_exist');
      case 'alipay.user.agreement.query': {
        const a = agreements.get(biz.external_agreement_no);
        return a && a.status !== 'TEMP' ? ok({ agreement_no: a.agreementNo, external_agreement_no: biz.external_agreement_no, status: a.status, sign_time: '2026-01-05 10:00:00' }) : fail('USER_AGREEMENT_NOT_EXIST');
      }
      case 'alipay.user.agreement.unsign': {
        const a = [...agreements.values()].find((x) => x.agreementNo === biz.agreement_no);
        if (!a) return fail('USER_AGREEMENT_NOT_EXIST');
        a.status = 'STOP';
        return ok();
      }
      case 'alipay.trade.pay': {
        if (biz.product_code !== 'GENERAL_WITHHOLDING' || !biz.agreement_params?.agreement_no) return fail('ACQ.INVALID_PARAMETER');
        const a = [...agreements.values()].find((x) => x.agreementNo === biz.agreement_params.agreement_no);
        if (!a || a.status !== 'NORMAL') return fail('ACQ.AGREEMENT_STATUS_NOT_NORMAL');
        const fen = Math.round(Number(biz.total_amount) * 100);
        if (fen > state.balanceFen) return fail('ACQ.BUYER_BALANCE_NOT_ENOUGH');
        state.balanceFen -= fen;
        trades.set(biz.out_trade_no, { status: 'TRADE_SUCCESS', amount: biz.total_amount });
        return ok({ trade_no: `T-${biz.out_trade_no}`, out_trade_no: biz.out_trade_no, total_amount: biz.total_amount, trade_status: 'TRADE_SUCCESS' });
      }
      default: {
        const trade = trades.get(biz.out_trade_no);
        if (!trade) return fail('ACQ.TRADE_NOT_EXIST');
        if (method === 'alipay.trade.close') { trade.status = 'TRADE_CLOSED'; return ok(); }
        return ok({ trade_no: `T-${biz.out_trade_no}`, out_trade_no: biz.out_trade_no, trade_status: trade.status, total_amount: trade.amount });
      }
    }
  }
  const listen = async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return `${state.url}/gateway.do`;
  };
  const close = () => new Promise((r) => server.close(r));
  /** Signs a notification as Alipay does (RSA2 over the sorted parameters without sign and sign_type). */
  const notification = (params: Record<string, string>, signingKey = alipay.privatePem): string => {
    const all: Record<string, string> = { app_id: APP_ID, charset: 'utf-8', version: '1.0', sign_type: 'RSA2', ...params };
    const content = Object.keys(all).filter((k) => k !== 'sign' && k !== 'sign_type' && all[k] !== '').sort().map((k) => `${k}=${all[k]}`).join('&');
    return new URLSearchParams({ ...all, sign: createSign('RSA-SHA256').update(content, 'utf8').sign(signingKey, 'base64') }).toString();
  };
  return { server, listen, close, trades, refunds, bills, agreements, state, keys: { app, alipay }, notification };
}
