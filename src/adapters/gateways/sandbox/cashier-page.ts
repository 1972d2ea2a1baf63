import { formatYuan } from '../../../core/money/parse.ts';

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
.amount{font-size:2.2rem;margin:.5rem 0 1.5rem}button{font-size:1.1rem;padding:.7rem 1.2rem;margin:.3rem .3rem 0 0;border-radius:.4rem;border:1px solid #aaa;cursor:pointer}
.pay{background:#1677ff;color:#fff;border-color:#1677ff}.note{color:#777;font-size:.9rem;margin-top:2rem}</style></head>
<body>${body}<p class="note">Fenqi 沙箱收银台 · sandbox cashier: no real money moves.</p></body></html>`;

/** The sandbox cashier: 支付 (pay), 失败 (decline), 稍后 (pay later). */
export function cashierPage(o: { outTradeNo: string; token: string; subject: string; amount: number; status: string }): string {
  const action = (what: string) => `/sandbox/cashier/${o.outTradeNo}/${what}?t=${encodeURIComponent(o.token)}`;
  const buttons = o.status === 'waiting'
    ? `<form method="post" action="${action('pay')}" style="display:inline"><button class="pay" name="b" value="pay">支付 Pay</button></form>
<form method="post" action="${action('fail')}" style="display:inline"><button name="b" value="fail">失败 Fail</button></form>
<form method="post" action="${action('later')}" style="display:inline"><button name="b" value="later">稍后 Later</button></form>`
    : `<p>此订单状态：${escapeHtml(o.status)}</p>`;
  return page('Fenqi 收银台', `<h1>Fenqi 收银台</h1><p>${escapeHtml(o.subject)}</p><p class="amount">¥${formatYuan(o.amount)}</p>${buttons}`);
}

export function resultPage(message: string, outTradeNo: string): string {
  return page(message, `<h1>${escapeHtml(message)}</h1><p><a href="/v1/payments/return/${outTradeNo}">返回商户 Back to the store</a></p>`);
}
