import { createCipheriv, createHash, createSign, createVerify, randomBytes } from 'node:crypto';
import { formatYuan } from '../../src/core/money/parse.ts';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MCHID = '1900000109';
export const APPID = 'wxd678efh567hg6787';
export const APIV3_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
export const PUB_KEY_ID = 'PUB_KEY_ID_0119000001092025010100000000';

/** A self-signed certificate standing in for a WeChat Pay platform certificate (made with openssl per run). */
export function platformCertificate(): { certPem: string; privatePem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fenqi-wx-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '3650', '-subj', '/CN=Wechatpay Test Platform'], { stdio: 'ignore' });
    return { certPem: readFileSync(join(dir, 'c.pem'), 'utf8'), privatePem: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

export function encryptResource(plain: object, key = APIV3_KEY, associatedData = 'transaction') {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce };
}

/** WeChat Pay's signature headers over `timestamp\nnonce\nbody\n`. */
export function signedHeaders(body: string, o: { key: string; serial: string; at: Date; algorithm?: string }): Record<string, string> {
  const timestamp = Math.floor(o.at.getTime() / 1000).toString();
  const nonce = randomBytes(16).toString('hex');
  const signature = createSign(o.algorithm ?? 'RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8').sign(o.key, 'base64');
  return { 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': o.serial, 'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048' };
}

export function transaction(outTradeNo: string, over: Record<string, unknown> = {}) {
  return {
    appid: APPID, mchid: MCHID, out_trade_no: outTradeNo, transaction_id: `4200000000${outTradeNo.slice(0, 18)}`, trade_type: 'NATIVE', trade_state: 'SUCCESS',
    trade_state_desc: '支付成功', success_time: '2026-01-05T10:00:00+08:00', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total: 53600, payer_total: 53600, currency: 'CNY', payer_currency: 'CNY' }, ...over,
  };
}

export function callbackBody(resource: object, eventType = 'TRANSACTION.SUCCESS'): string {
  return JSON.stringify({ id: randomBytes(8).toString('hex'), create_time: '2026-01-05T10:00:01+08:00', resource_type: 'encrypt-resource', event_type: eventType, summary: '支付成功', resource });
}

/** A stand-in for api.mch.weixin.qq.com: checks our request signatures, signs its answers in public-key mode. */
export function fakeWechatPay(merchantPublicPem: string, platformPrivatePem: string, now: () => Date) {
  const trades = new Map<string, ReturnType<typeof transaction>>();
  const seen = { unsigned: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const auth = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(req.headers.authorization ?? '');
      const ok = auth && createVerify('RSA-SHA256').update(`${req.method}\n${req.url}\n${auth[4]}\n${auth[2]}\n${raw}\n`).verify(merchantPublicPem, auth[3]!, 'base64');
      const answer = (status: number, body: object | null) => {
        const text = body ? JSON.stringify(body) : '';
        const headers = signedHeaders(text, { key: platformPrivatePem, serial: PUB_KEY_ID, at: now() });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };
      if (!ok) { seen.unsigned++; return answer(401, { code: 'SIGN_ERROR', message: 'bad signature' }); }
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST' && url.pathname === '/v3/pay/transactions/native') {
        const b = JSON.parse(raw);
        if (!trades.has(b.out_trade_no)) trades.set(b.out_trade_no, transaction(b.out_trade_no, { trade_state: 'NOTPAY', amount: { total: b.amount.total, currency: 'CNY' } }));
        return answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${b.out_trade_no.slice(0, 8)}` });
      }
      if (url.pathname === '/v3/bill/tradebill') {
        const text = tradeBill([...trades.values()], now());
        return answer(200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(text).digest('hex'), download_url: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=T0KEN' });
      }
      if (url.pathname === '/v3/billdownload/file') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(tradeBill([...trades.values()], now()));
      }
      const m = /^\/v3\/pay\/transactions\/out-trade-no\/(\w+)(\/close)?$/.exec(url.pathname);
      const trade = m ? trades.get(m[1]!) : undefined;
      if (m && !trade) return answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (m && m[2]) { trade!.trade_state = 'CLOSED'; return answer(204, null); }
      if (m) return answer(200, trade!);
      return answer(404, { code: 'NOT_FOUND' });
    });
  });
  return { server, trades, seen };
}

/** The trade bill as WeChat Pay writes it (27 columns, backtick-prefixed fields, summary lines). */
export function tradeBill(trades: ReturnType<typeof transaction>[], at: Date): string {
  const head = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  const time = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const paid = trades.filter((t) => t.trade_state === 'SUCCESS');
  const rows = paid.map((t) => [time, APPID, MCHID, '0', '', t.transaction_id, t.out_trade_no, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'NATIVE', 'SUCCESS', 'OTHERS', 'CNY',
    formatYuan(t.amount.total), '0.00', '0', '0', '0.00', '0.00', '', '', 'Fenqi', '', '0.00000', '0.60%', formatYuan(t.amount.total), '0.00', ''].map((v) => `\`${v}`).join(','));
  const total = formatYuan(paid.reduce((s, t) => s + t.amount.total, 0));
  return [head, ...rows, '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额', `\`${paid.length},\`${total},\`0.00,\`0.00,\`0.00000,\`${total},\`0.00`].join('\r\n') + '\r\n';
}
