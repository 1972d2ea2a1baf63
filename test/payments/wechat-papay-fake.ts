import { createServer } from 'node:http';
import { createVerify, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { rsaKeyPair } from './keys.ts';
import { APPID, MCHID, PUB_KEY_ID, callbackBody, encryptResource, signedHeaders, transaction } from './wechat-fake.ts';

export const PLAN_ID = 12535;

interface Contract {
  mchid: string; appid: string; plan_id: number; out_contract_code: string; contract_id: string; contract_display_account: string;
  contract_state: 'UNSIGNED' | 'SIGNED' | 'TERMINATED'; openid: string; notifyUrl: string;
  contract_terminate_info?: { contract_termination_mode: string; contract_terminated_time: string; contract_termination_remark?: string };
}

/**
 * A stand-in for api.mch.weixin.qq.com's 委托代扣 (papay) v3 API: checks every request's
 * WECHATPAY2-SHA256-RSA2048 signature with the merchant's public key, signs every answer
 * and notification with the platform key (public-key mode). Contracts are made by
 * pre-entrust-sign, signed "in the wallet" by the test (signInWallet), queried and ended by
 * out_contract_code. A deduction is accepted (ACCEPT) and deducted when the test says so
 * (deduct), against a balance: short of it the order ends PAY_FAIL, as WeChat Pay reports.
 */
export function fakeWechatPapay(now: () => Date) {
  const merchant = rsaKeyPair();
  const platform = rsaKeyPair();
  const contracts = new Map<string, Contract>();
  const trades = new Map<string, ReturnType<typeof transaction> & { contract_id: string; trade_state_desc: string }>();
  const state = { balanceFen: 1_000_000_00, unsigned: 0, calls: [] as string[], requests: [] as { path: string; body: any }[] };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const auth = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(req.headers.authorization ?? '');
      const ok = auth && auth[1] === MCHID && createVerify('RSA-SHA256').update(`${req.method}\n${req.url}\n${auth[4]}\n${auth[2]}\n${raw}\n`).verify(merchant.publicPem, auth[3]!, 'base64');
      const answer = (status: number, body: object | null) => {
        const text = body ? JSON.stringify(body) : '';
        res.writeHead(status, { 'content-type': 'application/json', ...signedHeaders(text, { key: platform.privatePem, serial: PUB_KEY_ID, at: now() }) });
        res.end(text);
      };
      if (!ok) { state.unsigned++; return answer(401, { code: 'SIGN_ERROR', message: '签名错误' }); }
      const path = new URL(req.url!, 'http://x').pathname;
      const body = raw ? JSON.parse(raw) : {};
      state.calls.push(`${req.method} ${path}`);
      state.requests.push({ path, body });
      return route(req.method!, path, body, answer);
    });
  });

  type Answer = (status: number, body: object | null) => void;
  function route(method: string, path: string, b: any, answer: Answer): void {
    if (method === 'POST' && path === '/v3/papay/sign/contracts/pre-entrust-sign') {
      if (b.appid !== APPID || b.plan_id !== PLAN_ID || !/^[0-9A-Za-z]{1,32}$/.test(b.out_contract_code ?? '') || !b.contract_notify_url || !b.device_info || !b.out_user_code) {
        return answer(400, { code: 'PARAM_ERROR', message: '参数错误' });
      }
      if (!contracts.has(b.out_contract_code)) {
        contracts.set(b.out_contract_code, {
          mchid: MCHID, appid: APPID, plan_id: PLAN_ID, out_contract_code: b.out_contract_code, contract_id: '', contract_display_account: b.contract_display_account,
          contract_state: 'UNSIGNED', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', notifyUrl: b.contract_notify_url,
        });
      }
      const id = randomBytes(12).toString('hex');
      return answer(200, { pre_entrustweb_id: id, redirect_url: `https://api.mch.weixin.qq.com/papay/entrustweb/qrcode?pre_entrustweb_id=${id}` });
    }
    const m = /^\/v3\/papay\/sign\/contracts\/plan-id\/(\d+)\/out-contract-code\/(\w+)(\/terminate)?$/.exec(path);
    if (m) {
      const k = contracts.get(m[2]!);
      if (Number(m[1]) !== PLAN_ID || !k || k.contract_state === 'UNSIGNED') return answer(404, { code: 'RESOURCE_NOT_EXISTS', message: '协议不存在' });
      if (m[3] && method === 'POST') {
        terminate(k, 'MCH_API_TERMINATE', b.contract_termination_remark);
        return answer(200, { mchid: MCHID, plan_id: PLAN_ID, out_contract_code: k.out_contract_code });
      }
      return answer(200, contractView(k));
    }
    if (method === 'POST' && path === '/v3/papay/pay/transactions/apply') {
      const k = [...contracts.values()].find((x) => x.contract_id === b.contract_id && x.contract_id !== '');
      if (b.appid !== APPID || !Number.isSafeInteger(b.amount?.total) || b.amount.total <= 0 || !b.transaction_notify_url) return answer(400, { code: 'PARAM_ERROR', message: '参数错误' });
      if (!k || k.contract_state !== 'SIGNED') return answer(400, { code: 'CONTRACT_NOT_EXIST', message: '签约协议不存在' });
      if (!trades.has(b.out_trade_no)) {
        trades.set(b.out_trade_no, {
          ...transaction(b.out_trade_no, { trade_type: 'PAP', trade_state: 'ACCEPT', trade_state_desc: '已接收，等待扣款', amount: { total: b.amount.total, currency: 'CNY' } }),
          contract_id: b.contract_id,
        } as any);
      }
      return answer(200, { out_trade_no: b.out_trade_no, amount: { total: b.amount.total, currency: 'CNY' } });
    }
    const q = /^\/v3\/pay\/transactions\/out-trade-no\/(\w+)(\/close)?$/.exec(path);
    if (q) {
      const t = trades.get(q[1]!);
      if (!t) return answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (q[2]) { if (t.trade_state !== 'SUCCESS') t.trade_state = 'CLOSED'; return answer(204, null); }
      return answer(200, t);
    }
    return answer(404, { code: 'NOT_FOUND', message: path });
  }

  function contractView(k: Contract) {
    const { notifyUrl: _n, ...view } = k;
    return view;
  }
  function terminate(k: Contract, mode: string, remark?: string) {
    k.contract_state = 'TERMINATED';
    k.contract_terminate_info = { contract_termination_mode: mode, contract_terminated_time: '2026-01-05T10:00:00+08:00', ...(remark ? { contract_termination_remark: remark } : {}) };
  }
  /** A signed v3 callback as WeChat Pay would POST it (headers + raw body). */
  function signed(plain: object, eventType: string, o: { originalType?: string; key?: string; apiV3Key?: string } = {}) {
    const resource = { ...encryptResource(plain, o.apiV3Key, o.originalType ?? 'transaction'), original_type: o.originalType ?? 'transaction' };
    const body = callbackBody(resource, eventType);
    return { body, headers: signedHeaders(body, { key: o.key ?? platform.privatePem, serial: PUB_KEY_ID, at: now() }) };
  }

  return {
    server, contracts, trades, state, keys: { merchant, platform },
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise((r) => server.close(r)),
    /** The customer signs in WeChat: the contract exists from now on (its notification is sent separately). */
    signInWallet(outContractCode: string): Contract {
      const k = contracts.get(outContractCode)!;
      k.contract_state = 'SIGNED';
      k.contract_id = `2026${randomBytes(7).toString('hex')}`;
      return k;
    },
    /** The customer ends the contract in WeChat. */
    terminateInWallet(outContractCode: string): Contract { const k = contracts.get(outContractCode)!; terminate(k, 'USER_TERMINATE'); return k; },
    /** ENTRUST.SIGN / ENTRUST.TERMINATE for a contract, optionally altered (forgeries) or signed with another key. */
    contractNotice(outContractCode: string, o: { over?: Record<string, unknown>; eventType?: string; key?: string; apiV3Key?: string } = {}) {
      const k = contracts.get(outContractCode)!;
      const eventType = o.eventType ?? (k.contract_state === 'TERMINATED' ? 'ENTRUST.TERMINATE' : 'ENTRUST.SIGN');
      return signed({ ...contractView(k), contract_signed_time: '2026-01-05T10:00:00+08:00', ...o.over }, eventType, { originalType: 'entrust', ...(o.key ? { key: o.key } : {}), ...(o.apiV3Key ? { apiV3Key: o.apiV3Key } : {}) });
    },
    /** WeChat Pay deducts an accepted order: paid from the balance, or PAY_FAIL when it is short; returns its notification. */
    deduct(outTradeNo: string) {
      const t = trades.get(outTradeNo)!;
      if (t.amount.total <= state.balanceFen) {
        state.balanceFen -= t.amount.total;
        Object.assign(t, { trade_state: 'SUCCESS', trade_state_desc: '支付成功' });
        return signed(t, 'TRANSACTION.SUCCESS');
      }
      Object.assign(t, { trade_state: 'PAY_FAIL', trade_state_desc: '用户余额不足' });
      return signed(t, 'TRANSACTION.FAIL');
    },
  };
}
